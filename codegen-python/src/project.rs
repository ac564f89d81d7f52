//! The files around the modules: `pyproject.toml`, `py.typed` and the
//! package's private helpers.

use weft_wit::wit_parser::Resolve;

use crate::module::HEADER;
use crate::plan::Plan;

/// `pyproject.toml`: a setuptools project (setuptools ships with every
/// virtual environment `python -m venv` makes, so `pip install
/// --no-build-isolation` needs no download) holding the one package, its
/// `py.typed` marker and the component as package data.
pub(crate) fn pyproject(plan: &Plan<'_>) -> String {
    let world = &plan.resolve.worlds[plan.world];
    let description = world
        .docs
        .contents
        .as_deref()
        .and_then(|d| d.lines().map(str::trim).find(|l| !l.is_empty()))
        .map(str::to_string)
        .unwrap_or_else(|| format!("Python bindings for the WIT world `{}`", world.name));
    let package = &plan.package;
    format!(
        r#"{HEADER}

[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = {name}
version = {version}
description = {description}
requires-python = ">=3.10"
dependencies = ["weft"]

[tool.setuptools]
packages = [{package_str}]

[tool.setuptools.package-data]
{package} = ["py.typed", "*.wasm"]
"#,
        name = toml_string(&package.replace('_', "-")),
        version = toml_string(&version(plan.resolve, plan)),
        description = toml_string(&description),
        package_str = toml_string(package),
    )
}

/// The project version: the WIT package's when it is a plain
/// `major.minor.patch` (which PEP 440 reads the same), else `0.1.0`.
fn version(resolve: &Resolve, plan: &Plan<'_>) -> String {
    let world = &resolve.worlds[plan.world];
    world
        .package
        .and_then(|p| resolve.packages[p].name.version.as_ref())
        .filter(|v| v.pre.is_empty() && v.build.is_empty())
        .map(|v| v.to_string())
        .unwrap_or_else(|| "0.1.0".to_string())
}

/// `text` as a TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `_support.py`: what generated modules share, written out in each
/// package so that the bindings need nothing from `weft` but its API.
pub(crate) const SUPPORT: &str = r#""""Helpers of the generated bindings; not part of their API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar, cast

import weft

__all__ = ["Unbound", "bind"]

_T = TypeVar("_T")
_R = TypeVar("_R", bound=weft.Resource)


class Unbound(Generic[_T]):
    """`_exports` of a resource class used without an instance.

    Its value is what `get` returns: the default instance's exports for a
    world without imports; otherwise `get` raises a `TypeError` saying
    where the bound classes are.
    """

    def __init__(self, get: Callable[[], _T]) -> None:
        """An attribute whose value is `get()`."""
        self._get = get

    def __get__(self, obj: object, owner: object = None) -> _T:
        """`get()`, looked up on the class or one of its objects."""
        return self._get()


def bind(cls: type[_R], exports: object) -> type[_R]:
    """A subclass of the resource class `cls` whose objects call the
    functions of `exports` (one instance's binding of the interface)."""
    namespace = {
        "__slots__": (),
        "__module__": cls.__module__,
        "__qualname__": cls.__qualname__,
        "__doc__": cls.__doc__,
        "_exports": exports,
    }
    return cast("type[_R]", type(cls.__name__, (cls,), namespace))
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_strings_are_escaped() {
        assert_eq!(toml_string(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(toml_string("tab\there"), r#""tab\u0009here""#);
    }
}
