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
S = "examples/shipping/"

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
    ("model with two inputs image and tabular data", (C + "05_multi_input/", "examples/building/04_inputs_by_name/")),
    ("U-Net skip connection", (C + "06_architectures/",)),
    ("inception block", (C + "06_architectures/",)),
    ("DenseNet growth rate", (C + "06_architectures/",)),
    ("concatenate padded sequences mask", (C + "07_masks/",)),
    ("get layer by name", (L + "01_by_name/",)),
    ("access layer by index", (L + "02_by_index/",)),
    ("list all layers of nested models recursively", (L + "03_recursion/", S + "06_nested_summaries/")),
    ("layers of a subclassed model", (L + "04_subclassed/",)),
    ("load model with Lambda layer safe_mode", (L + "05_save_and_load/",)),
    ("layer.output_shape keras 3", (M + "05_reaching_values/",)),
    ("get_weights kernel and bias", (W + "01_reading/",)),
    ("set weights of one layer", (W + "02_reassigning/",)),
    ("copy weights from one model to another", (W + "03_moving_between_models/",)),
    ("load_weights by_name", (W + "03_moving_between_models/",)),
    ("intermediate layer output", (X + "01_submodels/", X + "02_one_pass/", M + "05_reaching_values/")),
    ("outputs of every branch in one pass", (X + "02_one_pass/",)),
    ("save activations of a whole dataset to disk", (X + "03_dataset_to_disk/",)),
    # From Keras 2 to Keras 3: what Keras 2 (tf.keras up to TensorFlow 2.15, here tf_keras) printed,
    # what older and current Keras 3 print, and what a migrating reader types
    ("TypeError: You are passing KerasTensor(type_spec=TensorSpec(shape=(None, 16), dtype=tf.float32, name=None), "
     "name='dense_3/BiasAdd:0', description=\"created by layer 'dense_3'\"), an intermediate Keras symbolic "
     "input/output, to a TF API that does not allow registering custom dispatchers, such as `tf.cond`, "
     "`tf.function`, gradient tapes, or `tf.map_fn`.", (M + "01_tf_functions/",)),
    ("TypeError: Could not build a TypeSpec for KerasTensor(type_spec=TensorSpec(shape=(None, 32), "
     "dtype=tf.float32, name=None), name='dense_1/Relu:0', description=\"created by layer 'dense_1'\") "
     "of unsupported type <class 'keras.src.engine.keras_tensor.KerasTensor'>.", (M + "01_tf_functions/",)),
    ("ValueError: A KerasTensor cannot be used as input to a TensorFlow function. A KerasTensor is a symbolic "
     "placeholder for a shape and dtype, used when constructing Keras Functional models or Keras Functions. "
     "You can only use it as input to a Keras layer or a Keras operation (from the namespaces `keras.layers` "
     "and `keras.operations`).", (M + "01_tf_functions/",)),
    ("tf.concat on a keras Input fails after upgrading to TensorFlow 2.16", (M + "01_tf_functions/",)),
    ("replace TFOpLambda tf.split in Keras 3", (M + "01_tf_functions/",)),
    ("ValueError: Requested the deserialization of a Lambda layer with a Python `lambda` inside it. This "
     "carries a potential risk of arbitrary code execution and thus it is disallowed by default.",
     (M + "02_lambda_layers/", L + "05_save_and_load/")),
    ("NotImplementedError: Exception encountered when calling Lambda.call(). We could not automatically infer "
     "the shape of the Lambda's output. Please specify the `output_shape` argument for this Lambda layer.",
     (M + "02_lambda_layers/",)),
    ("AttributeError: module 'keras.backend' has no attribute 'expand_dims'", (M + "02_lambda_layers/",)),
    ("ValueError: The `{arg_name}` of this `Lambda` layer is a Python lambda. Deserializing it is unsafe.",
     (M + "02_lambda_layers/",)),
    ("load keras 2 h5 model with Lambda layer in keras 3", (M + "02_lambda_layers/",)),
    ("ValueError: Could not automatically infer the output shape / dtype of 'py_layer' (of type PyLayer)",
     (M + "01_tf_functions/",)),
    ("Invalid value for argument `interpolation`. Expected of one ('bilinear', 'nearest', 'lanczos3', "
     "'lanczos5', 'bicubic'). Received: interpolation=gaussian", (M + "01_tf_functions/",)),
    ("as_list() is not defined on an unknown TensorShape Lambda tf.py_function predict",
     (M + "02_lambda_layers/", M + "01_tf_functions/")),
    ("ValueError: Layer \"model_3\" expects 2 input(s), but it received 1 input tensors. Inputs received: "
     "[<tf.Tensor 'IteratorGetNext:0' shape=(None, 128) dtype=float32>]", (M + "03_input_output_structures/",)),
    ("ValueError: Layer 'functional_1' expected 3 input(s). Received 2 instead.", (M + "03_input_output_structures/",)),
    ("UserWarning: The structure of `inputs` doesn't match the expected structure: ['input_layer']. "
     "Received: the structure of inputs=*", (M + "03_input_output_structures/",)),
    ("keras 3 model.output returns a list instead of a tensor", (M + "03_input_output_structures/",)),
    ("TypeError: Could not deserialize class 'Functional' because its parent module "
     "keras.src.models.functional cannot be imported.", (M + "04_saving_and_loading/",)),
    ("TypeError: Error when deserializing class 'InputLayer' using config={'batch_shape': [None, 224, 224, 3], "
     "'dtype': 'float32', 'sparse': False, 'name': 'input_layer'}. Exception encountered: Unrecognized keyword "
     "arguments: ['batch_shape']", (M + "04_saving_and_loading/",)),
    ("ValueError: Shape mismatch in layer #3 (named dense_2) for weight dense_2/kernel:0. Weight expects shape "
     "(128, 10). Received saved weight with shape (64, 10)", (M + "04_saving_and_loading/",)),
    ("ValueError: Unable to load weights saved in HDF5 format into a subclassed Model which has not created "
     "its variables yet. Call the Model first, then load the weights.", (M + "04_saving_and_loading/",)),
    ("ValueError: Layer count mismatch when loading weights from file. Model expected 0 layers, found 5 saved "
     "layers.", (M + "04_saving_and_loading/",)),
    ("ValueError: File format not supported: filepath=saved_model_dir. Keras 3 only supports V3 `.keras` files "
     "and legacy H5 format files (`.h5` extension).", (M + "04_saving_and_loading/",)),
    ("Could not deserialize 'keras.metrics.mae' because it is not a KerasSaveable subclass",
     (M + "04_saving_and_loading/",)),
    ("load tf.keras SavedModel in keras 3", (M + "04_saving_and_loading/",)),
    ("ValueError: Invalid dtype: tuple", (M + "03_input_output_structures/",)),
    ("Layer 'dense_3' was never built and thus it doesn't have any variables. However the weights file lists 2 "
     "variables for this layer.", (M + "04_saving_and_loading/",)),
    ("run a Keras 2 SavedModel in Keras 3 for inference serving_default signature", (M + "04_saving_and_loading/",)),
    ("AttributeError: The layer \"conv_shared\" has multiple inbound nodes, with different output shapes. "
     "Hence the notion of \"output shape\" is ill-defined for the layer.", (M + "05_reaching_values/",)),
    ("AttributeError: Layer dense_4 has no inbound nodes.", (M + "05_reaching_values/",)),
    ("AttributeError: 'Dense' object has no attribute 'inbound_nodes'", (M + "05_reaching_values/",)),
    ("ValueError: Found unexpected instance while processing input tensors for keras functional model. "
     "Expecting KerasTensor which is from tf.keras.Input() or output from keras layer call(). Got: 1",
     (M + "05_reaching_values/",)),
    ("keras 3 replacement for K.function intermediate layer output", (M + "05_reaching_values/",)),
    ("AttributeError: module 'keras._tf_keras.keras.backend' has no attribute 'learning_phase'",
     (M + "05_reaching_values/",)),
    ("AttributeError: Layer dense_3 has multiple inbound nodes, hence the notion of \"layer output\" is "
     "ill-defined. Use `get_output_at(node_index)` instead.", (M + "05_reaching_values/",)),
    ("keras 3 nested sequential model .output returns the outer call's tensor", (M + "05_reaching_values/",)),
    ("split resnet50 into two models Sequential(model.layers[k:])", (M + "07_cutting_models/",)),
    ("ValueError: Found unexpected losses or metrics that do not correspond to any Model output: "
     "dict_keys(['clf']). Valid mode output names: ['classifier', 'regressor']. Received struct is: "
     "{'clf': 'accuracy'}.", (M + "06_several_outputs/",)),
    ("ValueError: For a model with multiple outputs, when providing the `metrics` argument as a list, it should "
     "have as many entries as the model has outputs. Received: metrics=['accuracy'] of length 1 whereas the "
     "model has 3 outputs.", (M + "06_several_outputs/",)),
    ("ValueError: Expected keys ['age', 'gender'] in loss dict, but found loss.keys()=['gender']",
     (M + "06_several_outputs/",)),
    ("accuracy metric for every output of a multi-output model keras 3", (M + "06_several_outputs/",)),
    ("ValueError: Expected keys ListWrapper(['class_out', 'bbox_out']) in loss dict, but found "
     "loss.keys()=['classification', 'regression']", (M + "06_several_outputs/",)),
    ("ValueError: `loss_weights` must match the number of losses, got 3 losses and 2 weights.",
     (M + "06_several_outputs/",)),
    ("keras 3 loss_weights dict only for one output KeyError", (M + "06_several_outputs/",)),
    ("ValueError: Exception encountered when calling layer 'add_4' (type Add). A merge layer should be called "
     "on a list of inputs. Received: inputs=Tensor(\"Placeholder:0\", shape=(None, 7, 7, 512), "
     "dtype=float32) (not a list of tensors)", (M + "07_cutting_models/",)),
    ("ValueError: Found input tensor cannot be reached given provided output tensors. Please make sure the "
     "tensor KerasTensor(type_spec=TensorSpec(shape=(None, 224, 224, 3), dtype=tf.float32, name='input_1'), "
     "name='input_1', description=\"created by layer 'input_1'\") is included in the model inputs when "
     "building functional model.", (M + "07_cutting_models/",)),
    ("ValueError: Graph disconnected: cannot obtain value for tensor KerasTensor(type_spec=TensorSpec("
     "shape=(None, 32, 32, 3), dtype=tf.float32, name='input_2'), name='input_2', description=\"created by "
     "layer 'input_2'\") at layer \"conv1\". The following previous layers were accessed without issue: []",
     (M + "07_cutting_models/",)),
    ("AttributeError: The layer \"dense_2\" has multiple inbound nodes, with different input shapes. Hence "
     "the notion of \"input shape\" is ill-defined for the layer. Use `get_input_shape_at(node_index)` "
     "instead.", (M + "07_cutting_models/",)),
    ("split a keras model with skip connections into two models", (M + "07_cutting_models/",)),
    # Questions from the same trial that belong on earlier pages
    ("ValueError: Exception encountered when calling Dot.call(). Cannot perform batch_dot over axis 0. If your "
     "inputs are not batched, add a dummy batch dimension to your inputs using keras.ops.expand_dims(x, 0)",
     ("examples/building/02_merge_layers/",)),
    ("ValueError: Incompatible input shapes: axis values 64 (at axis 2) != 10 (at axis 1). Full input shapes: "
     "(None, 10, 64), (None, 10, 64)", ("examples/building/02_merge_layers/",)),
    ("keras Dot layer which axes for sequences", ("examples/building/02_merge_layers/",)),
    ("ValueError: Exception encountered when calling layer \"dot_3\" (type Dot). Cannot perform batch_dot over "
     "axis 0. If your inputs are not batched, add a dummy batch dimension to your inputs using "
     "K.expand_dims(x, 0)", ("examples/building/02_merge_layers/",)),
    ("keras torch backend model.train() does not turn on dropout", ("examples/architectures/03_gradients/",)),
    ("get the encoder out of a trained siamese model after load_model", ("examples/building/03_shared_layers/",)),
    ("stop gradient from one output head into shared layers", (W + "04_freezing/",)),
    ("keras.ops.stop_gradient vs trainable False", (W + "04_freezing/",)),
    ("AttributeError: 'Sequential' object has no attribute 'parameters'", ("examples/architectures/03_gradients/",)),
    ("train a keras model with a pytorch training loop torch.optim", ("examples/architectures/03_gradients/",)),
    # The shipping chapter: errors as Keras, TensorFlow, LiteRT and ONNX Runtime print them, and questions
    ("ValueError: `class_weight` is only supported for Models with a single output.", (S + "01_output_weights/",)),
    ("You should provide one `sample_weight` array per output in `y`. The two structures did not match:",
     (S + "01_output_weights/",)),
    ("Expected `class_weight` to be a dict with keys from 0 to one less than the number of classes, found "
     "{'head_a': {0: 1.0, 1: 4.0}}", (S + "01_output_weights/",)),
    ("TypeError: can only concatenate str (not \"int\") to str class_weight tf.data", (S + "01_output_weights/",)),
    ("how to apply class weights to one output of a multi-output keras model", (S + "01_output_weights/",)),
    ("keras predict tf.data two inputs dataset zip",
     (S + "01_output_weights/", "examples/building/04_inputs_by_name/")),
    ("TypeError: Tensors in list passed to 'values' of 'ConcatV2' Op have types [float32, float16] that don't "
     "all match.", (S + "02_mixed_precision/",)),
    ("cannot compute ConcatV2 as input #2(zero-based) was expected to be a half tensor but is a float tensor",
     (S + "02_mixed_precision/",)),
    ("Input 'y' of 'AddV2' Op has type float16 that does not match type float32 of argument 'x'.",
     (S + "02_mixed_precision/",)),
    ("mixed precision softmax float32 with several outputs", (S + "02_mixed_precision/",)),
    ("how to reset the mixed precision policy to float32", (S + "02_mixed_precision/",)),
    ("An initial_state was passed that is not compatible with cell.state_size. Received state_spec="
     "ListWrapper([InputSpec(shape=(None, 64), ndim=2)]); however cell.state_size is [128, 128]",
     (S + "03_recurrent_branches/",)),
    ("`TimeDistributed` Layer should be passed an `input_shape` with at least 3 dimensions, received: "
     "[(None, 10, 32), (None, 10, 5)]", (S + "03_recurrent_branches/",)),
    ("how to concatenate forward and backward states of a bidirectional LSTM for a decoder",
     (S + "03_recurrent_branches/",)),
    ("mask lost after Add layer before LSTM, embedding mask_zero with numeric features",
     (S + "03_recurrent_branches/",)),
    ("ValueError: Invalid dtype: str224", (S + "04_tabular_and_ensembles/",)),
    ("UnimplementedError: Exception encountered when calling Embedding.call(). Cast string to int32 is not "
     "supported [Op:Cast]", (S + "04_tabular_and_ensembles/",)),
    ("InvalidArgumentError: indices[12,0] = 7 is not in [0, 7) [Op:GatherV2]", (S + "04_tabular_and_ensembles/",)),
    ("combine categorical embeddings with numerical features keras", (S + "04_tabular_and_ensembles/",)),
    ("average predictions of several keras models into one ensemble model", (S + "04_tabular_and_ensembles/",)),
    ("ValueError: You called `set_weights(weights)` on layer 'functional' with a weight list of length 8, but "
     "the layer was expecting 12 weights.", (S + "05_model_surgery/", "examples/weights/02_reassigning/")),
    ("ValueError: Layer resnet_head weight shape (12544, 10) is not compatible with provided weight shape "
     "(3136, 10).", (S + "05_model_surgery/",)),
    ("ValueError: `call_function` argument is not supported with Sequential models.", (S + "05_model_surgery/",)),
    ("insert a layer in the middle of a trained keras model", (S + "05_model_surgery/",)),
    ("change input shape of pretrained keras model", (S + "05_model_surgery/",)),
    ("clone_model nested model recursive clone_function", (S + "05_model_surgery/",)),
    ("ValueError: Passed layer_names do not match the layer names in the model. Received: ['conv_block', "
     "'head']", (S + "06_nested_summaries/",)),
    ("ValueError: You tried to call `count_params` on layer 'tower', but the layer isn't built.",
     (S + "06_nested_summaries/",)),
    ("model.summary doesn't show layers of nested model", (S + "06_nested_summaries/",)),
    ("plot_model expand_nested not working", (S + "06_nested_summaries/",)),
    ("how many parameters in each branch keras", (S + "06_nested_summaries/",)),
    ("TypeError: Exception encountered when calling TFSMLayer.call(). Binding inputs to tf.function failed due "
     "to `too many positional arguments`", (S + "07_export_savedmodel/",)),
    ("ValueError: Could not find matching concrete function to call loaded from the SavedModel. Got: "
     "Positional arguments (1 total)", (S + "07_export_savedmodel/",)),
    ("TypeError: input_signature must be either a tuple or a list, got <class 'dict'>.",
     (S + "07_export_savedmodel/",)),
    ("AssertionError: Called a function referencing variables which have been deleted",
     (S + "07_export_savedmodel/",)),
    ("model.export output names output_0 output_1 instead of layer names", (S + "07_export_savedmodel/",)),
    ("how to call serving_default signature with two inputs", (S + "07_export_savedmodel/",)),
    ("ValueError: Cannot set tensor: Dimension mismatch. Got 3 but expected 4 for input 0.",
     (S + "08_export_tflite_onnx/",)),
    ("ValueError: Invalid Input name (input_ids) for SignatureDef", (S + "08_export_tflite_onnx/",)),
    ("ValueError: The model provided has never called.", (S + "08_export_tflite_onnx/",)),
    ("ValueError: Required inputs (['tokens']) are missing from input feed (['text', 'mask']).",
     (S + "08_export_tflite_onnx/",)),
    ("tf.lite.Interpreter is deprecated and is scheduled for deletion in TF 2.20", (S + "08_export_tflite_onnx/",)),
    ("how to export a keras model with two inputs to onnx and run it with onnxruntime",
     (S + "08_export_tflite_onnx/",)),
]
