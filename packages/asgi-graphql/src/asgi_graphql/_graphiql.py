"""The GraphiQL page: static HTML that loads GraphiQL's pinned files and queries this same URL.

GraphiQL's own files (its script and stylesheet, React, ReactDOM) load from unpkg by default,
or from `assets`, a URL prefix where the app serves the same files (`python -m
asgi_graphql.graphiql_assets DIR` puts them in a directory). Either way each one carries its
`integrity` hash, so a file that was changed on the way or is of another version is refused.

The page holds no inline script or style, so it runs under a Content-Security-Policy without
'unsafe-inline': its start-up script and stylesheet are served by GraphQLApp itself at
`?graphiql-asset=boot.js` and `?graphiql-asset=page.css` (relative to the page, so any mount
point or proxy prefix works). The start-up script checks that every file loaded and, if one did
not, says which and how to serve them from the app; the stylesheet shows a hint after a while
should nothing run at all. GraphiQL's stylesheet is linked after that message, not in the head,
so that a host that never answers cannot keep the message from showing.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

CDN = "https://unpkg.com"
ASSET_PARAM = "graphiql-asset"
# Versions pinned so that a page served today behaves the same tomorrow; the hashes are the
# sha384 of the files in the packages' npm tarballs, which are the files unpkg serves.
GRAPHIQL_VERSION = "3.7.1"
REACT_VERSION = "18.3.1"


@dataclass(frozen=True, slots=True)
class GraphiQLAsset:
    """One file GraphiQL needs: where npm and the CDN have it, and the hash it must match."""

    package: str
    version: str
    path: str  # inside the package (and its npm tarball, under "package/")
    integrity: str
    global_name: str = ""  # what a script defines; a stylesheet has none

    @property
    def file(self) -> str:
        """The file's name under a self-hosted prefix."""
        return self.path.rpartition("/")[2]

    @property
    def cdn_url(self) -> str:
        return f"{CDN}/{self.package}@{self.version}/{self.path}"


GRAPHIQL_ASSETS = (
    GraphiQLAsset(
        "graphiql",
        GRAPHIQL_VERSION,
        "graphiql.min.css",
        "sha384-Mq3vbRBY71jfjQAt/DcjxUIYY33ksal4cgdRt9U/hNPvHBCaT2JfJ/PTRiPKf0aM",
    ),
    GraphiQLAsset(
        "react",
        REACT_VERSION,
        "umd/react.production.min.js",
        "sha384-DGyLxAyjq0f9SPpVevD6IgztCFlnMF6oW/XQGmfe+IsZ8TqEiDrcHkMLKI6fiB/Z",
        "React",
    ),
    GraphiQLAsset(
        "react-dom",
        REACT_VERSION,
        "umd/react-dom.production.min.js",
        "sha384-gTGxhz21lVGYNMcdJOyq01Edg0jhn/c22nsx0kyqP0TxaV5WVdsSH1fSDUf5YJj1",
        "ReactDOM",
    ),
    GraphiQLAsset(
        "graphiql",
        GRAPHIQL_VERSION,
        "graphiql.min.js",
        "sha384-w0cGClNeNvIYIRVmYrv5kmQ6CEat8jJb0XBczOFPeWlVjzeMNJBaoeEcWFD8Gad4",
        "GraphiQL",
    ),
)

PAGE_CSS = """html, body, #graphiql { height: 100%; margin: 0; }
.graphiql-status { font-family: system-ui, sans-serif; color: #1f2328; line-height: 1.45;
  padding: 2rem; max-width: 48rem; }
.graphiql-status h1 { font-size: 1.3rem; color: #a40e26; }
.graphiql-status code { background: #f6f8fa; padding: .1rem .3rem; border-radius: 4px;
  word-break: break-all; }
.graphiql-status li { margin: .25rem 0; }
.graphiql-slow { visibility: hidden; animation: graphiql-reveal 0s 10s forwards; }
@keyframes graphiql-reveal { to { visibility: visible; } }
"""

# Runs after the four files: classic scripts run in order, and one that fails to load (or
# fails its integrity check) is skipped, so each global is there or never will be.
BOOT_JS = """(function () {
  "use strict";
  var boot = document.currentScript;
  var root = document.getElementById("graphiql");
  var endpoint = window.location.href.split("#")[0].split("?")[0];

  function element(tag, text) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    return node;
  }

  function code(text) {
    var paragraph = element("p");
    paragraph.appendChild(element("code", text));
    return paragraph;
  }

  function styled() {
    // A stylesheet that failed (or failed its integrity check) styles nothing, and another
    // origin's sheet cannot be read: probe for a variable GraphiQL's (pinned) sheet defines.
    var probe = element("div");
    probe.className = "graphiql-container";
    probe.hidden = true;
    document.body.appendChild(probe);
    var loaded = getComputedStyle(probe).getPropertyValue("--color-primary").trim() !== "";
    document.body.removeChild(probe);
    return loaded;
  }

  function missing() {
    var urls = [];
    document.querySelectorAll("[data-graphiql-asset]").forEach(function (asset) {
      var name = asset.getAttribute("data-graphiql-global");
      var loaded = name ? typeof window[name] !== "undefined" : styled();
      if (!loaded) { urls.push(asset.src || asset.href); }
    });
    return urls;
  }

  function fail(summary, urls, error) {
    var status = element("div");
    status.className = "graphiql-status graphiql-failed";
    status.setAttribute("role", "alert");
    status.appendChild(element("h1", "GraphiQL could not start"));
    status.appendChild(element("p", summary));
    if (urls.length) {
      var list = element("ul");
      urls.forEach(function (url) {
        var item = element("li");
        item.appendChild(element("code", url));
        list.appendChild(item);
      });
      status.appendChild(list);
    }
    if (error) { status.appendChild(code(String(error))); }
    var prefix = boot.getAttribute("data-assets");
    var versions = boot.getAttribute("data-versions");
    if (boot.hasAttribute("data-self-hosted")) {
      status.appendChild(element("p", "The app should serve them under " + prefix + "/ " +
        "(GraphQLApp's graphiql_assets), as the exact files of " + versions + ". Fetch " +
        "them, checked against their hashes, into the directory served there:"));
      status.appendChild(code("python -m asgi_graphql.graphiql_assets DIRECTORY"));
    } else {
      status.appendChild(element("p", "They come from " + prefix + ": this browser may be " +
        "offline or behind a firewall, or a Content-Security-Policy may not allow that " +
        "host. To serve them from your app instead, fetch them into a static directory " +
        "and pass its URL prefix to GraphQLApp:"));
      status.appendChild(code("python -m asgi_graphql.graphiql_assets static/graphiql"));
      status.appendChild(code("GraphQLApp(schema, graphiql_assets=\\"/static/graphiql\\")"));
    }
    status.appendChild(element("p", "The GraphQL endpoint works without GraphiQL: POST " +
      "{\\"query\\": \\"...\\"} as JSON to " + endpoint));
    root.replaceChildren(status);
  }

  var urls = missing();
  if (urls.length) {
    fail("These files did not load, or did not match their integrity hash:", urls);
    return;
  }
  async function fetcher(params) {
    var response = await fetch(endpoint, {
      method: "POST",
      headers: {"Accept": "application/json", "Content-Type": "application/json"},
      body: JSON.stringify(params),
      credentials: "same-origin"
    });
    return response.json();
  }
  try {
    var props = {fetcher: fetcher, defaultEditorToolsVisibility: true};
    ReactDOM.createRoot(root).render(React.createElement(GraphiQL, props));
  } catch (error) {
    fail("GraphiQL's files loaded but it failed to start:", [], error);
  }
})();
"""

# Served by GraphQLApp at ?graphiql-asset=NAME: (body, media type).
OWN_ASSETS = {
    "boot.js": (BOOT_JS.encode(), "text/javascript"),
    "page.css": (PAGE_CSS.encode(), "text/css"),
}


def _tag(asset: GraphiQLAsset, url: str) -> str:
    common = (
        f'integrity="{asset.integrity}" crossorigin="anonymous" data-graphiql-asset="{asset.file}"'
    )
    if not asset.global_name:
        return f'<link rel="stylesheet" href="{html.escape(url)}" {common}>'
    return (
        f'<script src="{html.escape(url)}" {common} '
        f'data-graphiql-global="{asset.global_name}"></script>'
    )


def graphiql_html(assets: str | None = None) -> str:
    """The page, loading GraphiQL's files from the CDN, or from the URL prefix `assets`."""
    if assets is None:
        urls = [asset.cdn_url for asset in GRAPHIQL_ASSETS]
        origin, self_hosted = CDN, ""
    else:
        if not isinstance(assets, str) or not assets.strip("/ "):
            error = ValueError if isinstance(assets, str) else TypeError
            raise error(
                f"graphiql_assets must be the URL prefix the GraphiQL files are served at, "
                f'such as "/static/graphiql", not {assets!r}'
            )
        origin, self_hosted = assets.rstrip("/"), " data-self-hosted"
        urls = [f"{origin}/{asset.file}" for asset in GRAPHIQL_ASSETS]
    tags = [_tag(asset, url) for asset, url in zip(GRAPHIQL_ASSETS, urls, strict=True)]
    hint = "" if self_hosted else " to serve them from this app"
    versions = f"GraphiQL {GRAPHIQL_VERSION} and React {REACT_VERSION}"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>GraphiQL</title>
<meta name="robots" content="noindex">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="?{ASSET_PARAM}=page.css">
</head>
<body>
<div id="graphiql"><div class="graphiql-status">
<p>Loading GraphiQL…</p>
<p class="graphiql-slow">Still loading? GraphiQL's files come from
<code>{html.escape(origin)}</code>, which may be slow, unreachable or blocked here. See
<code>graphiql_assets</code> in the asgi-graphql documentation{hint}.</p>
<noscript><p>GraphiQL needs JavaScript. The GraphQL endpoint itself answers POST requests at
this URL.</p></noscript>
</div></div>
{chr(10).join(tags)}
<script src="?{ASSET_PARAM}=boot.js" data-assets="{html.escape(origin)}"{self_hosted}
  data-versions="{versions}"></script>
</body>
</html>
"""


GRAPHIQL_HTML = graphiql_html()


def wants_html(accept: str) -> bool:
    """True when the Accept header prefers HTML (a browser), not JSON (a GraphQL client)."""
    return "text/html" in accept


__all__ = [
    "ASSET_PARAM",
    "GRAPHIQL_ASSETS",
    "GRAPHIQL_HTML",
    "OWN_ASSETS",
    "GraphiQLAsset",
    "graphiql_html",
    "wants_html",
]
