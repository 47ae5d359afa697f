"""`--list`: every merge of a model, with what feeds it and the argument that extracts it.

A merge is anything in the model's graph that takes several tensors: a merge layer (Concatenate,
Add, ...), or an operation that is not a layer (the `Add` that `x + y` records, the `Concatenate`
of `keras.ops.concatenate`), in nested models too. Operations are named like layers and extracted
like them. What a name cannot pick out is one call of a layer, or of a nested model, that the
model calls several times: the listing says so, and what to do instead.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .graph import UsageError, file_stem, functional, members, producer_names, tensor_inputs


@dataclass
class Merge:
    path: str
    what: str  # "Concatenate layer", "Add operation"
    inputs: list[tuple[str, tuple]]  # (producer, shape) per input
    output: tuple
    problem: str | None = None  # why it cannot be extracted by name
    instead: str | None = None


def call_counts(base) -> Counter:
    """How many times the graph of `base` calls each layer or operation (by name): the graph run
    again symbolically, counting the calls."""
    import keras

    counts: Counter = Counter()

    def count(op, *args, **kwargs):
        counts[op.name] += 1
        return op(*args, **kwargs)

    keras.models.clone_model(base, clone_function=lambda op: op, call_function=count)
    return counts


def shape_of(tensor) -> tuple:
    return tuple(tensor.shape)


def merges(model, prefix: str = "", shared: str | None = None) -> list[Merge]:
    """The merges of `model` and of the models nested in it, in the order the graph runs them.
    `shared`: why nothing inside `model` can be extracted by name (a nested model called twice)."""
    import keras

    base = functional(model)
    calls = call_counts(base)
    found = []
    for op in members(base):
        path = f"{prefix}{op.name}"
        if isinstance(op, keras.Model):
            if not getattr(op, "inputs", None):
                continue  # a subclassed model: no graph to look into
            inner_shared = shared
            if inner_shared is None and calls[op.name] > 1:
                inner_shared = (f"the nested model {path} is called {calls[op.name]} times, and a name cannot say "
                                "which call is meant",
                                "save that model alone (model"
                                + "".join(f".get_layer({part!r})" for part in path.split("/"))
                                + ".save('part.keras')) and run extract-layers on it, with the inputs of the "
                                "call you want")
            found.extend(merges(op, f"{path}/", inner_shared))
            continue
        inputs = tensor_inputs(op)
        if len(inputs) < 2:
            continue
        kind = "layer" if isinstance(op, keras.layers.Layer) else "operation"
        producers = producer_names(base, op)
        merge = Merge(path, f"{type(op).__name__} {kind}", list(zip(producers, map(shape_of, inputs), strict=True)),
                      shape_of(keras.tree.flatten(op.output)[0]))
        if shared is not None:
            merge.problem, merge.instead = shared
        elif calls[op.name] > 1:
            merge.problem = f"{path} is called {calls[op.name]} times, and a name cannot say which call is meant"
            merge.instead = ("--layers with the layers producing the inputs of the call you want (for its first "
                             f"call: --layers {' '.join(prefix + p for p in producers)})")
        found.append(merge)
    return found


def describe(model, source) -> str:
    """What --list prints."""
    try:
        found = merges(model)
    except UsageError as err:
        raise UsageError(f"cannot list the merges of {source}: {err}") from None
    layers = sum(m.what.endswith(" layer") for m in found)
    if not found:
        return (f"{source}: no merge in model {model.name!r}: no layer or operation takes more than one tensor "
                "(--layers extracts any layer's output)")
    counts = f"{plural(layers, 'layer')}, {plural(len(found) - layers, 'operation')}"
    lines = [f"{source}: {plural(len(found), 'merge')} in model {model.name!r} ({counts}); --merge-inputs MERGE "
             "writes one file per input, --layers NAME one layer's output", ""]
    for merge in found:
        lines.append(f"{merge.path}  {merge.what}, {len(merge.inputs)} inputs -> {merge.output}")
        if merge.problem:
            lines.append(f"  cannot be extracted by name: {merge.problem}")
            lines.append(f"  instead: {merge.instead}")
        else:
            lines.append(f"  --merge-inputs {merge.path}")
        width = max(len(producer) for producer, _ in merge.inputs)
        for index, (producer, shape) in enumerate(merge.inputs):
            row = f"    in{index}  {producer:<{width}}  {shape!s:<18}"
            if not merge.problem:
                row += f"  -> {file_stem(merge.path)}.in{index}.{producer}.npy"
            lines.append(row.rstrip())
        lines.append("")
    return "\n".join(lines).rstrip()


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
