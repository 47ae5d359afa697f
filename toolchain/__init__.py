"""The examples' toolchain: how an example's notebook is built and checked.

build_notebooks.py        executes each examples/<chapter>/NN_topic.py into its .ipynb, with outputs
kernel_env.py             the environment every example runs in (quiet TensorFlow, CPU)
pins.py                   the versions requirements.txt pins
backend_matrix.py         runs every example on each backend -> docs/backend_matrix.json
compare_keras_version.py  runs every notebook on another Keras (a nightly) and classifies what differs

Run them from the repository's root: `python -m toolchain.build_notebooks examples/...py`.
"""
