"""What to extract: the outputs of named layers and the inputs of named merge layers.

A request names a layer by its path (`block/conv` is `conv` inside the nested model `block`).
Everything is built with public Keras API: the model's graph is run again with
`keras.models.clone_model(..., clone_function=<same layer>, call_function=<recorder>)`, which calls
every layer again on new inputs and lets the recorder keep the tensors going into or out of
the requested layers, so they are connected to the model's own inputs, however deep the nesting.
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field


class UsageError(Exception):
    """Bad input: reported as one clear line and exit status 2."""


@dataclass
class Target:
    """One output file's worth: a file stem and the symbolic tensor it holds."""

    stem: str
    tensor: object = field(repr=False)


def members(model) -> list:
    """The layers of `model` and, in a functional model, its operations that are not layers (the
    `Add` of `x + y`, `keras.ops.concatenate`, ...), in the order the graph runs them."""
    return list(getattr(model, "operations", None) or model.layers)


def find(model, name: str):
    """The layer or operation of `model` called `name` (Keras keeps names unique in a model), or None."""
    return next((op for op in members(model) if op.name == name), None)


def tensor_inputs(op) -> list:
    """The tensors `op` takes in the model (several for a merge); [] when it has none."""
    import keras

    if isinstance(op, keras.layers.InputLayer):
        return []
    try:
        return keras.tree.flatten(op.input)
    except (ValueError, AttributeError):
        return []


def layer_paths(model, prefix: str = "") -> list[str]:
    """Every layer and operation of `model`, nested models included, as paths."""
    import keras

    paths = []
    for layer in members(model):
        paths.append(f"{prefix}{layer.name}")
        if isinstance(layer, keras.Model):
            paths.extend(layer_paths(layer, f"{prefix}{layer.name}/"))
    return paths


def merge_paths(model, prefix: str = "") -> list[str]:
    """Paths of layers and operations that take several tensors (Concatenate, Add, x + y, ...):
    candidates for merges."""
    import keras

    paths = []
    for layer in members(model):
        if isinstance(layer, keras.Model):
            paths.extend(merge_paths(layer, f"{prefix}{layer.name}/"))
        elif len(tensor_inputs(layer)) > 1:
            paths.append(f"{prefix}{layer.name}")
    return paths


def suggest(name: str, candidates: list[str], what: str) -> str:
    """`what 'name' not found` with the closest existing names, never the whole list."""
    close = difflib.get_close_matches(name, candidates, n=5, cutoff=0.5)
    leaf = name.rsplit("/", 1)[-1]
    close += [c for c in candidates if c.rsplit("/", 1)[-1] == leaf and c not in close][:3]
    if close:
        return f"no {what} {name!r} in the model; closest: {', '.join(close)}"
    return f"no {what} {name!r} in the model, nor one with a similar name ({len(candidates)} {what}s in all)"


def file_stem(path: str) -> str:
    return path.replace("/", "__")


def functional(model):
    """A functional view of `model` (Sequential included), over the same layers and weights."""
    import keras

    if not getattr(model, "inputs", None):
        if isinstance(model, keras.Sequential):
            raise UsageError(
                "the Sequential model has no Input layer, so its layers have no outputs yet"
            )
        raise UsageError(
            "the model has no functional graph (a subclassed model?): layer outputs cannot be reached"
        )
    return keras.Model(model.inputs, model.outputs, name=model.name)


@dataclass(frozen=True)
class Produced:
    """A tensor of the graph: output `index` of `count` of call `call` (1, 2, ...) of the layer or
    operation `name` (a model input: its Input layer's name)."""

    name: str
    call: int = 1
    index: int = 0
    count: int = 1

    def __str__(self) -> str:
        """As in file names: `d`, `d.call2` (its second call), `twoout.out1` (its second output)."""
        return (self.name + (f".call{self.call}" if self.call > 1 else "")
                + (f".out{self.index}" if self.count > 1 else ""))


@dataclass
class Calls:
    """What running the graph of a functional model calls: how often each layer or operation is
    called (by name; Input layers are never called) and what feeds each call. Calls are numbered in
    the order the graph runs them (deepest first), which need not be the order of the code."""

    count: Counter = field(default_factory=Counter)
    inputs: dict[tuple[str, int], list[Produced]] = field(default_factory=dict)  # (name, call) -> its inputs
    shapes: dict[tuple[str, int], list[tuple]] = field(default_factory=dict)  # (name, call) -> their shapes


def trace(base) -> Calls:
    """Run the graph of `base` (functional) again symbolically, recording every call and the call
    that made each of its input tensors (a nested model is one call, like a layer)."""
    import keras

    calls = Calls()
    made: dict[int, Produced] = {}  # by id() of a tensor, kept alive in `kept` while ids are looked up
    kept: list = []
    input_names = {id(layer.output): layer.name for layer in base.layers
                   if isinstance(layer, keras.layers.InputLayer)}
    fresh = keras.tree.map_structure(lambda t: keras.Input(batch_shape=t.shape, dtype=t.dtype), base.input)
    for old, new in zip(keras.tree.flatten(base.input), keras.tree.flatten(fresh), strict=True):
        made[id(new)] = Produced(input_names.get(id(old), old.name))

    def record(op, *args, **kwargs):
        calls.count[op.name] += 1
        call = calls.count[op.name]
        tensors = [t for t in keras.tree.flatten((args, kwargs)) if id(t) in made]
        calls.inputs[(op.name, call)] = [made[id(t)] for t in tensors]
        calls.shapes[(op.name, call)] = [tuple(t.shape) for t in tensors]
        result = op(*args, **kwargs)
        outputs = keras.tree.flatten(result)
        for index, tensor in enumerate(outputs):
            made[id(tensor)] = Produced(op.name, call, index, len(outputs))
        kept.extend(outputs)
        return result

    keras.models.clone_model(base, input_tensors=fresh, clone_function=lambda op: op, call_function=record)
    return calls


def resolve(model, layers: list[str], merges: list[str]) -> dict:
    """Check every name against `model` and group requests by their first path component.

    Returns {first path component: [(kind, rest of the path, full path)]}, kind "layer" or "merge".
    """
    import keras

    grouped: dict[str, list[tuple[str, str, str]]] = {}
    for kind, path in [("layer", p) for p in layers] + [("merge", p) for p in merges]:
        owner, parts = model, path.split("/")
        for depth, part in enumerate(parts):
            layer = find(owner, part)
            if layer is None:
                candidates = layer_paths(model) if kind == "layer" else merge_paths(model)
                raise UsageError(
                    suggest(path, candidates, "layer" if kind == "layer" else "merge layer")
                )
            if depth < len(parts) - 1 and not isinstance(layer, keras.Model):
                raise UsageError(
                    f"cannot use {path!r}: {'/'.join(parts[: depth + 1])} is a {type(layer).__name__}, "
                    "not a nested model, so nothing is inside it"
                )
            if depth < len(parts) - 1:
                owner = layer
        if kind == "merge":
            if len(tensor_inputs(layer)) < 2:
                close = difflib.get_close_matches(path, merge_paths(model), n=5, cutoff=0.0)
                raise UsageError(
                    f"{path!r} is a {type(layer).__name__} with one input, not a merge layer; "
                    + (
                        f"closest merge layers: {', '.join(close)}"
                        if close
                        else "the model has no merge layer"
                    )
                )
        grouped.setdefault(parts[0], []).append((kind, "/".join(parts[1:]), path))
    return grouped


def build_extractor(model, layers: list[str], merges: list[str]):
    """A keras.Model from `model`'s inputs to every requested tensor, and one file stem per output."""
    import keras

    if len(set(layers)) != len(layers) or len(set(merges)) != len(merges):
        raise UsageError("a name is given twice in --layers or --merge-inputs")
    base = functional(model)
    inputs, targets = collect(base, resolve(base, layers, merges))
    order = {("layer", p): i for i, p in enumerate(layers)} | {
        ("merge", p): len(layers) + i for i, p in enumerate(merges)
    }
    targets.sort(key=lambda t: order[(t[0], t[1])])
    stems = [stem for _, _, stems, _ in targets for stem in stems]
    outputs = [tensor for _, _, _, tensors in targets for tensor in tensors]
    if len(set(stems)) != len(stems):
        raise UsageError(
            f"two requests would write the same file: {sorted(s for s in stems if stems.count(s) > 1)[0]}.npy"
        )
    return keras.Model(inputs, outputs, name="extractor"), stems


def collect(base, grouped: dict) -> tuple[list, list]:
    """Run `base`'s graph again, recording the requested tensors. Returns the new graph's inputs
    and [(kind, path, [file stems], [tensors])], the tensors connected to those inputs."""
    import keras

    found: list = []
    calls: dict[str, int] = {}
    merges_here = any(kind == "merge" and not rest for requests in grouped.values() for kind, rest, _ in requests)
    traced = trace(base) if merges_here else Calls()

    def record(layer, *args, **kwargs):
        result = layer(*args, **kwargs)
        requests = grouped.get(layer.name)
        if not requests:
            return result
        calls[layer.name] = calls.get(layer.name, 0) + 1
        if calls[layer.name] > 1:
            raise UsageError(
                f"{layer.name} is called more than once in the model, and a name cannot say which call is "
                "meant: extract-layers MODEL --list says what to do instead"
            )
        nested = [r for r in requests if r[1]]
        for kind, _, path in [r for r in requests if not r[1]]:
            if kind == "layer":
                tensors = keras.tree.flatten(result)
                stems = (
                    [file_stem(path)]
                    if len(tensors) == 1
                    else [f"{file_stem(path)}.out{i}" for i in range(len(tensors))]
                )
            else:
                tensors = keras.tree.flatten(args[0] if len(args) == 1 else list(args))
                stems = [f"{file_stem(path)}.in{i}.{producer}"
                         for i, producer in enumerate(traced.inputs[(layer.name, 1)])]
            found.append((kind, path, stems, tensors))
        if nested:
            inner = functional(layer)
            inner_grouped: dict = {}
            for kind, rest, path in nested:
                head, _, tail = rest.partition("/")
                inner_grouped.setdefault(head, []).append((kind, tail, path))
            inner_inputs, inner_found = collect(inner, inner_grouped)
            flat = [t for _, _, _, tensors in inner_found for t in tensors]
            sub = keras.Model(inner_inputs, flat)
            values = keras.tree.flatten(sub(*args, **kwargs))
            position = 0
            for kind, path, stems, tensors in inner_found:
                found.append((kind, path, stems, values[position : position + len(tensors)]))
                position += len(tensors)
        return result

    # Input layers are not called when the graph runs; a request for one is its input tensor.
    new = keras.models.clone_model(base, clone_function=lambda layer: layer, call_function=record)
    input_layers = {
        id(layer.output): layer.name
        for layer in base.layers
        if isinstance(layer, keras.layers.InputLayer)
    }
    for index, tensor in enumerate(base.inputs):
        for kind, rest, path in grouped.get(input_layers.get(id(tensor)), []):
            if kind == "layer" and not rest:
                found.append((kind, path, [file_stem(path)], [new.inputs[index]]))
    return new.inputs, found
