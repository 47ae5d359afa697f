"""extract-layers: the values of chosen layers, or of each branch before a merge, of a saved Keras
model, streamed to .npy files. The command is `extract-layers` (or `python -m extract_layers`).
One concern per module:

cli.py           the command line: options, checks before any work, messages, exit status
runtime.py       starting Keras quietly on the chosen backend; loading the model, refusals in one line
graph.py         which tensors to extract: layer and operation paths, merge inputs, name suggestions
listing.py       --list: every merge, what feeds it, and the argument that extracts it
io.py            reading inputs (.npy, NAME=FILE.npy, .npz) and writing outputs, resumably
images.py        a folder of images as the input: which files, checked, decoded and prepared
engine_local.py  this process: batches through the extractor (MirroredStrategy on TensorFlow,
                 DataParallel on JAX)
engine_ray.py    a Ray Data pipeline, on this machine or an existing Ray cluster
"""
