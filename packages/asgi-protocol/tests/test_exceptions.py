def test_handled_above_only_for_the_app_whose_middleware_set_it() -> None:
    from asgi_protocol.exceptions import HANDLER_SCOPE_KEY, handled_above

    ours, theirs = object(), object()
    assert not handled_above({})
    assert not handled_above({"app": ours})  # an app of another framework
    assert handled_above({"app": ours, HANDLER_SCOPE_KEY: ours})
    assert handled_above({HANDLER_SCOPE_KEY: None})  # a bare ExceptionMiddleware, no app
    assert not handled_above({"app": theirs, HANDLER_SCOPE_KEY: ours})  # theirs sits between


def test_invalid_host_is_a_400_http_exception() -> None:
    from asgi_protocol.exceptions import HTTPException, InvalidHost

    error = InvalidHost()
    assert isinstance(error, HTTPException)
    assert (error.status_code, error.detail, str(error)) == (
        400,
        "Invalid host header",
        "400: Invalid host header",
    )
