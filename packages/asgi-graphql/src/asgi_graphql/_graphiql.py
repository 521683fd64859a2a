"""The GraphiQL page: static HTML that loads GraphiQL from a CDN and queries this same URL."""

from __future__ import annotations

# Versions pinned so that a page served today behaves the same tomorrow. The page posts to its
# own URL (window.location), so it works under any mount point or proxy prefix.
GRAPHIQL_VERSION = "3.7.1"
REACT_VERSION = "18.3.1"

GRAPHIQL_HTML = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>GraphiQL</title>
<meta name="robots" content="noindex">
<style>html, body, #graphiql {{ height: 100%; margin: 0; }}</style>
<link rel="stylesheet" href="https://unpkg.com/graphiql@{GRAPHIQL_VERSION}/graphiql.min.css">
</head>
<body>
<div id="graphiql">Loading GraphiQL...</div>
<script crossorigin src="https://unpkg.com/react@{REACT_VERSION}/umd/react.production.min.js">
</script>
<script crossorigin
  src="https://unpkg.com/react-dom@{REACT_VERSION}/umd/react-dom.production.min.js"></script>
<script crossorigin src="https://unpkg.com/graphiql@{GRAPHIQL_VERSION}/graphiql.min.js"></script>
<script>
  const url = window.location.href.split("?")[0];
  async function fetcher(params) {{
    const response = await fetch(url, {{
      method: "POST",
      headers: {{"Accept": "application/json", "Content-Type": "application/json"}},
      body: JSON.stringify(params),
      credentials: "same-origin",
    }});
    return response.json();
  }}
  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  const props = {{fetcher: fetcher, defaultEditorToolsVisibility: true}};
  root.render(React.createElement(GraphiQL, props));
</script>
</body>
</html>
"""


def wants_html(accept: str) -> bool:
    """True when the Accept header prefers HTML (a browser), not JSON (a GraphQL client)."""
    return "text/html" in accept


__all__ = ["GRAPHIQL_HTML", "wants_html"]
