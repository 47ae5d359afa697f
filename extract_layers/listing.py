"""`--list`: every merge of a model, with what feeds it and the argument that extracts it.

A merge is anything in the model's graph that takes several tensors: a merge layer (Concatenate,
Add, ...), or an operation that is not a layer (the `Add` that `x + y` records, the `Concatenate`
of `keras.ops.concatenate`), in nested models too. Operations are named like layers and extracted
like them. What a name cannot pick out is one call of a layer, or of a nested model, that the
model calls several times: the listing says so, and what to do instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from .graph import (
    Calls,
    Produced,
    UsageError,
    file_stem,
    find,
    functional,
    members,
    tensor_inputs,
    trace,
)


@dataclass
class Merge:
    path: str
    what: str  # "Concatenate layer", "Add operation"
    inputs: list[tuple[str, tuple]]  # (producer, shape) per input
    output: tuple
    problem: str | None = None  # why it cannot be extracted by name
    instead: str | None = None


@dataclass
class Shared:
    """A layer or nested model (not a merge) called several times: --layers cannot pick one call."""

    path: str
    what: str
    times: int
    ways: list[str]  # per call: what feeds it, and the argument that reaches its output, or its input


def shape_of(tensor) -> tuple:
    return tuple(tensor.shape)


def named(producer: Produced, calls: Calls, prefix: str) -> str | None:
    """The --layers argument that extracts `producer`, or None where its layer is called several times."""
    return None if calls.count[producer.name] > 1 else prefix + producer.name


def layers_argument(producers: list[Produced], calls: Calls, prefix: str) -> str:
    """`--layers A B` extracting `producers`; a producer no name can reach is sent to its own entry."""
    names = list(dict.fromkeys(n for p in producers if (n := named(p, calls, prefix))))
    others = list(dict.fromkeys(prefix + p.name for p in producers if named(p, calls, prefix) is None))
    text = f"--layers {' '.join(names)}" if names else ""
    if others:
        text += f"{'; ' if text else ''}for {', '.join(others)}: see {'its' if len(others) == 1 else 'their'} " \
                "own entry in this listing"
    return text


def merges(model, prefix: str = "", shared: str | None = None) -> tuple[list[Merge], list[Shared]]:
    """The merges of `model` and of the models nested in it, in the order the graph runs them, and
    the layers and nested models (not merges) called several times.
    `shared`: why nothing inside `model` can be extracted by name (a nested model called twice)."""
    import keras

    base = functional(model)
    calls = trace(base)
    found: list[Merge] = []
    several: list[Shared] = []
    for op in members(base):
        path = f"{prefix}{op.name}"
        times = calls.count[op.name]
        inputs = tensor_inputs(op)
        if shared is None and times > 1 and len(inputs) < 2:
            kind = "model" if isinstance(op, keras.Model) else "layer" if isinstance(op, keras.layers.Layer) \
                else "operation"
            several.append(Shared(path, f"{type(op).__name__} {kind}", times,
                                  [reach(base, op.name, call, calls, prefix) for call in range(1, times + 1)]))
        if isinstance(op, keras.Model):
            if not getattr(op, "inputs", None):
                continue  # a subclassed model: no graph to look into
            inner_shared = shared
            if inner_shared is None and times > 1:
                inner_shared = (f"the nested model {path} is called {times} times, and a name cannot say "
                                "which call is meant",
                                "save that model alone (model"
                                + "".join(f".get_layer({part!r})" for part in path.split("/"))
                                + ".save('part.keras')) and run extract-layers on it, with the inputs of the "
                                "call you want")
            inner_found, inner_several = merges(op, f"{path}/", inner_shared)
            found.extend(inner_found)
            several.extend(inner_several)
            continue
        if len(inputs) < 2:
            continue
        kind = "layer" if isinstance(op, keras.layers.Layer) else "operation"
        producers = calls.inputs[(op.name, 1)]
        merge = Merge(path, f"{type(op).__name__} {kind}",
                      list(zip(map(str, producers), calls.shapes[(op.name, 1)], strict=True)),
                      shape_of(keras.tree.flatten(op.output)[0]))
        if shared is not None:
            merge.problem, merge.instead = shared
        elif times > 1:
            merge.problem = f"{path} is called {times} times, and a name cannot say which call is meant"
            merge.instead = ("--layers with the layers producing the inputs of the call you want (for its first "
                             f"call: {layers_argument(producers, calls, prefix)})")
        found.append(merge)
    return found, several


def reach(base, name: str, call: int, calls: Calls, prefix: str) -> str:
    """How to get the output of call `call` of `name` in `base`: the inputs of a merge it feeds,
    extracted by name, or else the inputs of that call."""
    import keras

    feeding = calls.inputs[(name, call)]
    origin = f"on {', '.join(prefix + str(p) for p in feeding)}  " if feeding else ""
    for (consumer, consumer_call), producers in calls.inputs.items():
        if (consumer_call == 1 and calls.count[consumer] == 1 and len(producers) > 1
                and not isinstance(find(base, consumer), keras.Model)):
            for index, producer in enumerate(producers):
                if producer.name == name and producer.call == call:
                    stem = file_stem(prefix + consumer)
                    return f"{origin}--merge-inputs {prefix}{consumer}  -> {stem}.in{index}.{producer}.npy"
    if not feeding:
        return "no argument reaches it"
    return f"{origin}its input: {layers_argument(feeding, calls, prefix)} (then apply {prefix}{name} to it)"


def describe(model, source) -> str:
    """What --list prints."""
    try:
        found, several = merges(model)
    except UsageError as err:
        raise UsageError(f"cannot list the merges of {source}: {err}") from None
    layers = sum(m.what.endswith(" layer") for m in found)
    if not found:
        lines = [f"{source}: no merge in model {model.name!r}: no layer or operation takes more than one tensor "
                 "(--layers extracts any layer's output)"]
    else:
        counts = f"{plural(layers, 'layer')}, {plural(len(found) - layers, 'operation')}"
        lines = [f"{source}: {plural(len(found), 'merge')} in model {model.name!r} ({counts}); --merge-inputs "
                 "MERGE writes one file per input, --layers NAME one layer's output"]
    for merge in found:
        lines.append("")
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
    if several:
        lines += ["", f"{plural(len(several), 'layer')} called several times, which --layers cannot extract "
                  "(a name cannot say which call is meant); what reaches each call's output instead (calls "
                  "numbered in the order the graph runs them):"]
    for entry in several:
        lines += ["", f"{entry.path}  {entry.what}, called {entry.times} times"]
        lines += [f"    call{call}  {way}" for call, way in enumerate(entry.ways, 1)]
    return "\n".join(lines)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
