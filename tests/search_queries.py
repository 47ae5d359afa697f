"""What readers type into the site's search, and the pages that answer each.

Errors are worded as Keras prints them, but with other layer names, shapes and numbers than the
examples use, so a match cannot come from copying the page. Questions are typed as people type
them. Each entry: (query, pages that reproduce and fix it / answer it). A hit is one of those
pages among the first three results (results are grouped by page).
"""

from __future__ import annotations

C = "examples/concatenate/"
L = "examples/layer_access/"
W = "examples/weights/"
X = "examples/extraction/"
M = "examples/migration/"

QUERIES: list[tuple[str, tuple[str, ...]]] = [
    # Errors, as Keras prints them (other names and shapes)
    ("ValueError: A `Concatenate` layer should be called on a list of at least 1 input. "
     "Received: input_shape=(None, 32)", (C + "01_layer_vs_function/",)),
    ("ValueError: Only input tensors may be passed as positional arguments. The following argument "
     "value should be passed as a keyword argument: <Concatenate name=concat_features, built=False>",
     (C + "01_layer_vs_function/",)),
    ("ValueError: A `Concatenate` layer requires inputs with matching shapes except for the "
     "concatenation axis. Received: input_shape=[(None, 28, 28, 32), (None, 27, 27, 32)]",
     (C + "04_shape_errors/",)),
    ("ValueError: A `Concatenate` layer requires inputs with matching shapes except for the "
     "concatenation axis. Received: input_shape=[(None, 64), (None, 10, 64)]", (C + "04_shape_errors/",)),
    ("A `Concatenate` layer requires inputs with matching shapes except for the concatenation axis. "
     "Received: input_shape=[(None, 128), (None, 7, 7, 256)]", (C + "04_shape_errors/",)),
    ("IndexError: Exception encountered when calling Concatenate.call(). list index out of range",
     (C + "04_shape_errors/",)),
    ("ValueError: Exception encountered when calling MaxPooling2D.call(). Computed output size would be "
     "zero or negative. Received: `inputs.shape=[None 2 2 64]`, `pool_size=[2 2]`", (C + "04_shape_errors/",)),
    ("ValueError: Computed output size would be zero or negative. Received `inputs shape=(None, 2, 2, 64)`, "
     "`kernel shape=(3, 3, 64, 128)`", (C + "04_shape_errors/",)),
    ("ValueError: Output with path `1` is not connected to `inputs`", (X + "02_one_pass/",)),
    ("ValueError: No such layer: conv2d_3. Existing layers are: ['input_layer', 'conv2d', 'dense'].",
     (L + "01_by_name/",)),
    ('ValueError: The name "dense" is used 3 times in the model. All operation names should be unique.',
     (L + "01_by_name/",)),
    ("AttributeError: 'Dense' object has no attribute 'layers'", (L + "02_by_index/",)),
    ("ValueError: Was asked to retrieve layer at index 25 but model only has 12 layers.", (L + "02_by_index/",)),
    ("UserWarning: `build()` was called on layer 'my_model', however the layer does not have a `build()` "
     "method implemented and it looks like it has unbuilt state.", (L + "04_subclassed/",)),
    ("AttributeError: The layer encoder has never been called and thus has no defined output.",
     (L + "04_subclassed/", M + "05_reaching_values/")),
    ("AttributeError: The layer sequential_3 has never been called and thus has no defined input.",
     (M + "05_reaching_values/",)),
    ("ValueError: Requested the deserialization of a `Lambda` layer whose `function` is a Python lambda. "
     "This carries a potential risk of arbitrary code execution and thus it is disallowed by default.",
     (L + "05_save_and_load/",)),
    ("AttributeError: 'Conv2D' object has no attribute 'output_shape'", (M + "05_reaching_values/",)),
    ("AttributeError: 'Conv2D' object has no attribute 'get_output_at'", (M + "05_reaching_values/",)),
    ("AttributeError: module 'keras.backend' has no attribute 'function'", (M + "05_reaching_values/",)),
    ("ValueError: You called `set_weights(weights)` on layer 'dense_5' with a weight list of length 3, "
     "but the layer was expecting 2 weights.", (W + "02_reassigning/",)),
    ("ValueError: Layer conv_block weight shape (3, 3, 16, 32) is not compatible with provided weight "
     "shape (3, 3, 32, 16).", (W + "02_reassigning/",)),
    ("ValueError: The shape of the target variable and the shape of the target value in "
     "`variable.assign(value)` must match. variable.shape=(64, 10), Received: value.shape=(10, 64).",
     (W + "02_reassigning/",)),
    ("ValueError: A total of 3 objects could not be loaded. Example error message for object "
     "<Conv2D name=conv_1, built=True>:", (W + "03_moving_between_models/",)),
    ("ValueError: `by_name` only supports loading legacy '.h5' or '.hdf5' files. Received: model.weights.h5",
     (W + "03_moving_between_models/",)),
    # Questions, as people type them
    ("freeze one branch", (W + "04_freezing/",)),
    ("trainable False after compile", (W + "04_freezing/",)),
    ("Concatenate vs concatenate", (C + "01_layer_vs_function/",)),
    ("difference between Concatenate layer and concatenate function", (C + "01_layer_vs_function/",)),
    ("concatenate inside a custom layer", (C + "01_layer_vs_function/",)),
    ("concatenate conv branches on the channel axis", (C + "02_channel_axis/",)),
    ("does Concatenate have weights", (C + "02_channel_axis/",)),
    ("concatenate along width channels_first", (C + "03_spatial_axes/",)),
    ("model with two inputs image and tabular data", (C + "05_multi_input/",)),
    ("U-Net skip connection", (C + "06_architectures/",)),
    ("inception block", (C + "06_architectures/",)),
    ("DenseNet growth rate", (C + "06_architectures/",)),
    ("concatenate padded sequences mask", (C + "07_masks/",)),
    ("get layer by name", (L + "01_by_name/",)),
    ("access layer by index", (L + "02_by_index/",)),
    ("list all layers of nested models recursively", (L + "03_recursion/",)),
    ("layers of a subclassed model", (L + "04_subclassed/",)),
    ("load model with Lambda layer safe_mode", (L + "05_save_and_load/",)),
    ("layer.output_shape keras 3", (M + "05_reaching_values/",)),
    ("get_weights kernel and bias", (W + "01_reading/",)),
    ("set weights of one layer", (W + "02_reassigning/",)),
    ("copy weights from one model to another", (W + "03_moving_between_models/",)),
    ("load_weights by_name", (W + "03_moving_between_models/",)),
    ("intermediate layer output", (X + "01_submodels/", X + "02_one_pass/")),
    ("outputs of every branch in one pass", (X + "02_one_pass/",)),
    ("save activations of a whole dataset to disk", (X + "03_dataset_to_disk/",)),
]
