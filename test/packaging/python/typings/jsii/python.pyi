# See __init__.pyi: typing stub for the jsii runtime's `jsii.python` module.
from typing import Any, Callable, Generic, Optional, Type, TypeVar

_T = TypeVar("_T")

class classproperty(Generic[_T]):
    """A property on the class (static jsii properties): `Stack.PROPERTY_INJECTION_ID`."""

    def __init__(
        self,
        fget: Callable[[Any], _T],
        fset: Optional[Callable[[Any, _T], None]] = ...,
    ) -> None: ...
    def __get__(self, inst: Any, owner: Optional[Type[Any]] = ...) -> _T: ...
    def __set__(self, inst: Any, value: _T) -> None: ...
    def setter(self, fset: Callable[[Any, _T], None]) -> classproperty[_T]: ...
