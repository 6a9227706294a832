"""The flat public API: every exported name is the function or class, whatever was imported first."""

import importlib
import types

import pytest

import sacro_kit as sk


@pytest.mark.parametrize("name", [n for n in sk.__all__ if n != "__version__"])
def test_public_name_resolves_to_an_object_not_a_module(name):
    # import every module first: a module named like a function would then shadow the function
    for module in set(sk._API.values()):
        importlib.import_module(f"sacro_kit.{module}")
    value = getattr(sk, name)
    assert not isinstance(value, types.ModuleType), f"sacro_kit.{name} is a module"
    assert getattr(importlib.import_module(f"sacro_kit.{sk._API[name]}"), name) is value


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'not_a_function'"):
        sk.not_a_function
