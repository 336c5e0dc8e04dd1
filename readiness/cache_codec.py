"""How cache files are written and read: signed JSON lines, one entry per line.

Loading builds only plain values and dataclasses this process already loaded, field by field,
without calling any constructor: even a forged file cannot run code. The layout is chosen for
speed, because a rescan with one file changed reads every other file's entry:

- a header line lists each dataclass once (module, name, field names); an object is then just
  its class's number and its field values, less the trailing ones left at their defaults, and a
  class whose fields changed since the file was written makes its objects misses instead of
  wrong values;
- every JSON object in a line is a one-key tag (tuple, set, dict, dataclass...), so the C parser
  does the work and a hook only rebuilds the tagged values, children first;
- an object met again within one entry is written as a reference to the first (facts several
  checks share, like one file's routes, are stored and rebuilt once, and stay one object);
- an entry loaded from the previous file and saved unchanged is written back as the same line,
  without encoding it again, so one changed file costs one entry's encoding;
- a dict a class names in ``__cache_deferred__`` is written as its keys and its encoded text, and
  read back as a ``Deferred`` that decodes the text only when a value is asked for: a rescan reads
  every file's entry, but a check's per-file results only when that check runs again. The text
  has its own references, so an object it shares with the rest of the entry is written twice;
- such a field, and a set of names a class lists in ``__cache_name_sets__``, is written without
  its tag (the header says the class, the class says the field), so that each file's entry costs
  the reader one hook, not five;
- a store whose entries a scan mostly does not read (``unseal(lazy=True)``) keeps each as its line
  until it is asked for, and saves the lines no one asked for as they were.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

MAGIC = b"RDYC5\n"
_VERSION = 5
_DUMPS = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode

Layout = tuple[str, str, tuple[str, ...]]  # module, qualified name, field names


class Unencodable(TypeError):
    """A value the cache cannot write as plain data: its entry is simply not cached."""


@dataclass
class Loaded:
    """What ``seal`` may reuse from the file ``unseal`` read: its class table and its lines."""

    classes: list[Layout] = field(default_factory=list)
    lines: dict[int, tuple[Any, str, str]] = field(default_factory=dict)  # id(value) -> (value, key, line)


_NO_DEFAULT = object()


@dataclass(frozen=True)
class _Shape:
    """A dataclass's fields in order and, for each, its default: a value, a factory, or none."""

    names: tuple[str, ...]
    defaults: tuple[tuple[bool, Any], ...]  # (is a factory, the default value or factory, or _NO_DEFAULT)


_SHAPES: dict[type, _Shape] = {}


def _shape(cls: type) -> _Shape:
    shape = _SHAPES.get(cls)
    if shape is None:
        import dataclasses

        fields = dataclasses.fields(cls)  # type: ignore[arg-type]
        defaults = tuple(
            (True, f.default_factory) if f.default_factory is not dataclasses.MISSING
            else (False, f.default if f.default is not dataclasses.MISSING else _NO_DEFAULT)
            for f in fields
        )
        shape = _SHAPES[cls] = _Shape(tuple(f.name for f in fields), defaults)
    return shape


def _is_default(default: tuple[bool, Any], value: Any) -> bool:
    """Whether a field holds what its class would give it anyway (same type, equal value)."""
    is_factory, given = default
    if given is _NO_DEFAULT:
        return False
    if is_factory:
        # only empty containers from the builtin factories: calling anything else could have effects
        return given in _EMPTY_FACTORIES and type(value) is given and not value
    return type(value) is type(given) and value == given


_EMPTY_FACTORIES = (list, dict, set, Counter, tuple, frozenset)


class Deferred(Mapping[str, Any]):
    """A dict of str keys whose values stay encoded until one is asked for.

    Its classes were checked when the entry was read, and a cache file's key holds the package's
    code (``workers.plan_fingerprint``), so a text this version wrote decodes."""

    __slots__ = ("_keys", "_text", "_classes", "_value")

    def __init__(self, keys: tuple[str, ...], text: str, classes: list[_Layout | None]) -> None:
        self._keys = keys
        self._text = text
        self._classes = classes
        self._value: dict[str, Any] | None = None

    def decoded(self) -> dict[str, Any]:
        if self._value is None:
            values = json.JSONDecoder(object_hook=_Decoder(self._classes)).decode(self._text)
            if type(values) is not list or len(values) != len(self._keys):
                raise ValueError("a deferred value that does not match its keys")
            self._value = dict(zip(self._keys, values, strict=True))
            self._text = ""
        return self._value

    def __getitem__(self, key: str) -> Any:
        if key not in self._keys:
            raise KeyError(key)
        return self.decoded()[key]

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        return f"Deferred({self.decoded()!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return dict, (self.decoded(),)


# -- writing -----------------------------------------------------------------------------------

_SCALARS = frozenset({type(None), bool, int, float, str})  # written as they are


class _Encoder:
    def __init__(self, classes: list[Layout]) -> None:
        self.classes = classes
        self.numbers = {layout: i for i, layout in enumerate(classes)}

    def entry(self, value: Any, *, deferring: bool = True) -> Any:
        self.shared: dict[int, int] = {}
        self.count = 0
        self.used: set[int] = set()  # the class numbers this entry's objects use
        self.deferring = deferring
        self.payloads: list[str] = []  # the texts of deferred values, written after the entry on its line
        return self.plain(value)

    def deferred(self, value: Mapping[str, Any]) -> Any:
        """A dict as its keys, the classes its text uses, and the number of its text (its values) on the line.

        The text is compact JSON, which never holds a raw tab, so it follows the entry after one
        unescaped and is not even scanned until a value is asked for."""
        if type(value) is Deferred:
            value = value.decoded()
        if not self.deferring:
            return self.plain(dict(value))
        if any(type(k) is not str for k in value):
            raise Unencodable("a deferred dict with keys other than names")
        inner = _Encoder.__new__(_Encoder)
        inner.classes, inner.numbers = self.classes, self.numbers
        self.payloads.append(_DUMPS(inner.entry(list(value.values()), deferring=False)))
        self.used |= inner.used
        return {"z": [list(value), sorted(inner.used), len(self.payloads) - 1]}

    def plain(self, value: Any) -> Any:
        kind = type(value)
        if kind in _SCALARS:
            return value
        if kind is list:
            return [v if type(v) in _SCALARS else self.plain(v) for v in value]
        if kind is tuple:
            return {"t": [v if type(v) in _SCALARS else self.plain(v) for v in value]}
        if kind is dict:
            tag = "d" if all(type(k) is str for k in value) else "m"
            return {tag: self._flat(value.items())}
        if kind is set:
            return {"s": [self.plain(v) for v in value]}
        if kind is frozenset:
            return {"f": [self.plain(v) for v in value]}
        if kind is Counter:
            return {"C": self._flat(value.items())}
        if kind is bytes:
            return {"b": base64.b64encode(value).decode("ascii")}
        if kind is Deferred:
            return self.deferred(value.decoded())
        if hasattr(kind, "__dataclass_fields__"):
            return self._object(value, kind)
        raise Unencodable(f"cannot cache a {kind.__qualname__}")

    def _flat(self, pairs: Any) -> list[Any]:
        out: list[Any] = []
        for k, v in pairs:
            out.append(k if type(k) in _SCALARS else self.plain(k))
            out.append(v if type(v) in _SCALARS else self.plain(v))
        return out

    def _object(self, value: Any, kind: type) -> Any:
        seen = self.shared.get(id(value))
        if seen is not None:
            return {"r": seen}
        shape = _shape(kind)
        names = shape.names
        layout = (kind.__module__, kind.__qualname__, names)
        number = self.numbers.get(layout)
        if number is None:
            number = self.numbers[layout] = len(self.classes)
            self.classes.append(layout)
        self.used.add(number)
        values = [getattr(value, name) for name in names]
        kept = len(values)
        while kept and _is_default(shape.defaults[kept - 1], values[kept - 1]):
            kept -= 1  # trailing fields left at their defaults are not written
        deferred = getattr(kind, "__cache_deferred__", ())
        names_only = getattr(kind, "__cache_name_sets__", ())
        body = [number, *(self._field(v, name in deferred, name in names_only)
                          for name, v in zip(names[:kept], values[:kept], strict=True))]
        # numbered once its fields are written: the reader rebuilds children first
        self.shared[id(value)] = self.count
        self.count += 1
        return {"o": body}

    def _field(self, value: Any, deferred: bool, names_only: bool) -> Any:
        """A field's value; one its class defers, or a set of names, is written without its tag (the reader
        knows the class's fields), which spares the reader a tagged value per file for each."""
        if deferred and self.deferring and value and type(value) in (dict, Deferred):
            return self.deferred(value)["z"]
        if names_only and type(value) is frozenset and all(type(n) is str for n in value):
            return list(value)
        return self.plain(value)


def seal(key: bytes, entries: dict[str, Any], loaded: Loaded | None = None) -> bytes:
    """A cache file's bytes: magic, HMAC of the body, then the body (unencodable entries left out)."""
    classes: list[Layout] = list(loaded.classes) if loaded else []
    encoder = _Encoder(classes)
    lines: list[str] = []
    reusable = loaded.lines if loaded else {}
    for name, value in entries.items():
        reused = reusable.get(id(value))
        if reused is not None and reused[0] is value and reused[1] == name:
            lines.append(reused[2])
            continue
        try:
            head = _DUMPS([name, encoder.entry(value)])
            lines.append("\t".join([head, *encoder.payloads]))
        except Unencodable:
            continue  # that entry is recomputed on the next scan
    header = _DUMPS({"v": _VERSION, "classes": [[m, q, list(n)] for m, q, n in classes]})
    body = "\n".join([header, *lines]).encode("utf-8", "surrogatepass")
    return MAGIC + hmac.new(key, body, hashlib.sha256).digest() + body


# -- reading -----------------------------------------------------------------------------------

def _resolve(layout: Any) -> _Layout | None:
    """A class of the header, when this process has loaded it with the same fields; else None."""
    if not (type(layout) is list and len(layout) == 3 and type(layout[2]) is list):
        raise ValueError("not a class layout")
    module, qualname, names = layout
    target: Any = sys.modules.get(module) if type(module) is str else None
    if target is None or type(qualname) is not str:
        return None  # nothing is imported on a cache file's say-so
    for part in qualname.split("."):
        target = getattr(target, part, None)
    if not isinstance(target, type) or not hasattr(target, "__dataclass_fields__"):
        return None
    shape = _shape(target)
    if list(shape.names) != names:
        return None
    deferred = getattr(target, "__cache_deferred__", ())
    names_only = getattr(target, "__cache_name_sets__", ())
    bare = tuple((i, "z" if name in deferred else "f") for i, name in enumerate(shape.names)
                 if name in deferred or name in names_only)
    return target, shape.names, shape.defaults, hasattr(object.__new__(target), "__dict__"), bare


# class, names, defaults, has a __dict__, and the fields written without their tag: (position, "z" or "f")
_Layout = tuple[type, tuple[str, ...], tuple[tuple[bool, Any], ...], bool, tuple[tuple[int, str], ...]]


class _Decoder:
    """The JSON object hook: every object is a one-key tag whose children are already rebuilt.

    It runs for every tagged value of a rescan's whole cache, so the common tags come first."""

    def __init__(self, classes: list[_Layout | None]) -> None:
        self.classes = classes
        self.known = frozenset(i for i, layout in enumerate(classes) if layout is not None)  # numbers that decode
        self.built: list[Any] = []
        self.payloads: list[str] = []  # the texts after the entry on its line

    def __call__(self, obj: dict[str, Any]) -> Any:
        tag, body = obj.popitem()
        if obj:
            raise ValueError("not a cache value")
        kind = type(body)
        if tag == "t" and kind is list:
            return tuple(body)
        if tag == "o" and kind is list and body and type(body[0]) is int:
            return self._object(body)
        if tag == "d" and kind is list:
            keys = body[0::2]
            if len(keys) * 2 != len(body) or any(type(k) is not str for k in keys):
                raise ValueError("a dict of names with other keys")
            return dict(zip(keys, body[1::2], strict=True))
        if tag == "r" and kind is int:
            if not 0 <= body < len(self.built):
                raise ValueError("a reference to nothing")
            return self.built[body]
        if tag == "f" and kind is list:
            return frozenset(body)
        if tag == "z" and kind is list:
            return self._deferred(body)
        if tag in ("m", "C") and kind is list and len(body) % 2 == 0:
            pairs = dict(zip(body[0::2], body[1::2], strict=True))
            return Counter(pairs) if tag == "C" else pairs
        if tag == "s" and kind is list:
            return set(body)
        if tag == "b" and kind is str:
            return base64.b64decode(body.encode("ascii"), validate=True)
        raise ValueError(f"unknown cache tag {tag!r}")

    def _deferred(self, body: list[Any]) -> Deferred:
        """Checked now (every class it names is loaded), decoded later: a stale class is still a miss."""
        if len(body) != 3 or type(body[0]) is not list or type(body[1]) is not list or type(body[2]) is not int:
            raise ValueError("not a deferred value")
        keys, numbers, index = body
        if not 0 <= index < len(self.payloads):
            raise ValueError("a deferred value without its text")
        "".join(keys)  # a TypeError, and a miss, unless every key is a name
        if len(frozenset(keys)) != len(keys):
            raise ValueError("a deferred dict with a name twice")
        if numbers and not (all(type(n) is int for n in numbers) and self.known.issuperset(numbers)):
            raise ValueError("a class this process does not have with these fields")
        return Deferred(tuple(keys), self.payloads[index], self.classes)

    def _object(self, body: list[Any]) -> Any:
        number = body[0]
        layout = self.classes[number] if 0 <= number < len(self.classes) else None
        given = len(body) - 1
        if layout is None or len(layout[1]) < given:
            raise ValueError("a class this process does not have with these fields")
        cls, names, defaults, has_dict, bare = layout
        made = object.__new__(cls)
        values = dict(zip(names, body[1:], strict=False))
        for position, tag in bare:  # a deferred dict or a set of names, written as its tag's body alone
            if position < given and type(body[position + 1]) is list:
                name = names[position]
                values[name] = self._deferred(values[name]) if tag == "z" else _name_set(values[name])
        for name, (is_factory, default) in zip(names[given:], defaults[given:], strict=True):
            if default is _NO_DEFAULT or (is_factory and default not in _EMPTY_FACTORIES):
                raise ValueError("a field without a default left out")
            values[name] = default() if is_factory else default
        if has_dict:
            made.__dict__.update(values)  # frozen or not, no __setattr__ runs
        else:
            for name, value in values.items():
                object.__setattr__(made, name, value)
        self.built.append(made)
        return made


def _name_set(items: list[Any]) -> frozenset[str]:
    "".join(items)  # a TypeError, and a miss, unless every item is a name
    return frozenset(items)


class Pending:
    """An entry read but not decoded yet (``unseal(lazy=True)``): ``value()`` decodes it once, and one never
    asked for is saved again as the line it was read from."""

    __slots__ = ("line", "_decode", "_value")

    def __init__(self, line: str, decode: Callable[[str], Any]) -> None:
        self.line = line
        self._decode = decode
        self._value: Any = _UNDECODED

    def value(self) -> Any:
        """The entry's value; ``ValueError`` when it is a miss (a stale class, a malformed line)."""
        if self._value is _UNDECODED:
            self._value = self._decode(self.line)
        if self._value is _MISS:
            raise ValueError("a cache entry that is a miss")
        return self._value


_UNDECODED = object()
_MISS = object()


def unseal(key: bytes, blob: bytes, loaded: Loaded | None = None, *, lazy: bool = False) -> dict[str, Any]:
    """The entries of a cache file signed with ``key``; {} for anything else. Bad entries are misses.

    ``loaded``, when given, receives the class table and each entry's line for ``seal`` to reuse.
    ``lazy`` leaves each entry a ``Pending`` until its value is asked for: for a store most of whose
    entries a scan never reads."""
    if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + 32:
        return {}
    signature, body = blob[len(MAGIC):len(MAGIC) + 32], blob[len(MAGIC) + 32:]
    if not hmac.compare_digest(signature, hmac.new(key, body, hashlib.sha256).digest()):
        return {}
    try:
        header_text, *lines = body.decode("utf-8", "surrogatepass").split("\n")
        header = json.loads(header_text)
        if not isinstance(header, dict) or header.get("v") != _VERSION or type(header.get("classes")) is not list:
            return {}
        classes = [_resolve(layout) for layout in header["classes"]]
    except (ValueError, TypeError, RecursionError):
        return {}
    if loaded is not None:
        loaded.classes = [(m, q, tuple(n)) for m, q, n in header["classes"]]
    decoder = _Decoder(classes)
    scan = json.JSONDecoder(object_hook=decoder).scan_once  # each head is one value and nothing else

    def decode(line: str) -> tuple[str, Any] | None:
        decoder.built = []
        head, _, rest = line.partition("\t")
        decoder.payloads = rest.split("\t") if rest else []
        try:
            entry, end = scan(head, 0)
        except (StopIteration, ValueError, TypeError, AttributeError, RecursionError):
            return None  # a stale class layout is a miss for that entry only
        if end != len(head) or type(entry) is not list or len(entry) != 2 or type(entry[0]) is not str:
            return None
        return entry[0], entry[1]

    out: dict[str, Any] = {}
    for line in lines:
        if lazy:
            try:
                name, end = json.decoder.scanstring(line, 2)  # type: ignore[attr-defined]
            except (ValueError, IndexError):
                continue
            if not line.startswith('["') or line[end:end + 1] != ",":
                continue
            value: Any = Pending(line, lambda text, name=name: _lazily(decode, text, name, loaded))
        else:
            decoded = decode(line)
            if decoded is None:
                continue
            name, value = decoded
        out[name] = value
        if loaded is not None:
            loaded.lines[id(value)] = (value, name, line)
    return out


def _lazily(decode: Callable[[str], tuple[str, Any] | None], line: str, name: str, loaded: Loaded | None) -> Any:
    decoded = decode(line)
    if decoded is None or decoded[0] != name:
        return _MISS
    if loaded is not None:  # saved unchanged, it is written back as this line
        loaded.lines[id(decoded[1])] = (decoded[1], name, line)
    return decoded[1]
