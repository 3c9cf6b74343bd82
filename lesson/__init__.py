"""What the lecture does not talk about, one module per concern.

It keeps the two scripts short, so that they differ only in their activation.
Importing lesson imports none of its modules: each program takes what it uses,
so that predict.py and draw.py answer --help at once, before Keras starts.

- quiet.py: imports Keras with TensorFlow's start-up lines kept off the screen.
  Every module that needs Keras imports it first.
- command_line.py: the flags, the files a run writes, and one line for bad input.
- data.py: the digits: Keras' MNIST download, its cache, the bundled sample, .npz files.
- watch.py: what training shows: the outputs' range, a line per epoch, the weights per epoch.
- report.py: the held-out check, the debugging table, and how numbers are printed.
- pictures.py: the weights, the learning curves, the mistakes, and weights.gif.
- saved.py: a trained model saved as a plain Keras file, and loaded for predict.py and draw.py.
- prepare.py: a picture of one digit prepared as MNIST's digits were, for predict.py.
- scripts.py: the two scripts as modules, for compare.py, experiments.py and the notebook.
- playground.py: writes playground.html, the lecture in a browser (python -m lesson.playground).
"""
