"""Background tasks that run after the response is sent."""

__all__: list[str] = []
