from asgi_middleware import Middleware, TrustedHostMiddleware


def test_middleware_iterates_as_cls_args_kwargs() -> None:
    spec = Middleware(TrustedHostMiddleware, ["a.com"], www_redirect=False)
    cls, args, kwargs = spec
    assert cls is TrustedHostMiddleware
    assert args == (["a.com"],)
    assert kwargs == {"www_redirect": False}
    assert repr(spec) == "Middleware(TrustedHostMiddleware, ['a.com'], www_redirect=False)"


def test_repr_of_a_callable_without_name() -> None:
    class Factory:
        def __repr__(self) -> str:
            return "factory"

    assert repr(Middleware(Factory())) == "Middleware(factory)"


def test_middleware_factory_is_the_public_type_of_what_middleware_wraps() -> None:
    from asgi_middleware import MiddlewareFactory

    factory: MiddlewareFactory[[list[str]]] = TrustedHostMiddleware  # type-checks as a factory
    assert Middleware(factory, ["a.com"]).cls is TrustedHostMiddleware
