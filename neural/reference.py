"""A numpy model of `WasmNeuralNetwork.run` as the ruv-swarm modules compute it.

What the module does (read from its behaviour, checked against the wasm bit for bit in the tests):
  * weights are f64, stored "from-major": the weight from neuron j of layer l to neuron i of layer
    l+1 is weights[offset(l) + j * size(l+1) + i], offset(l) = sum of size(k)*size(k+1), k < l;
  * biases (one per non-input neuron, f64) are not exposed: they start at 0 and
    `randomize_weights(min, max)` draws them after the weights, min + (max-min) * Math.random();
  * each layer, `bg` and `simd` (arithmetic "f32x4"): inputs and weights are rounded to f32,
    every row's dot product is taken in f32 four lanes at a time (lane sums, then
    ((l0+l1)+l2)+l3, then the leftover columns one by one), then widened to f64, the f64 bias
    added and the activation applied in f64;
  * `fann` (arithmetic "f64") stays in f64: each row summed left to right from 0.0, then the bias
    added, then the activation.
  * the activation is the same for every layer, with the module's own definitions below.  None
    has a separate steepness: FANN's sigmoid 1/(1+exp(-2*s*x)) with its default s=0.5 equals the
    module's 1/(1+exp(-x)).  `steepness` here scales x first (1.0 = the module).  Note where the
    module departs from FANN: Elliot is x/(1+|x|) (FANN: 0.5*x*s/(1+|x*s|)+0.5), Gaussian exp(-x*x),
    SinSymmetric 2*sin(x)-1, CosSymmetric 2*cos(x)-1, ThresholdSymmetric/StepSymmetric give -1
    at x <= 0, Threshold/Step 0 at x <= 0.
"""

from __future__ import annotations

import numpy as np

EXACT = frozenset({"Linear", "ReLU", "LeakyReLU", "Elliot", "SymmetricElliot", "ThresholdSymmetric",
                   "Threshold", "StepSymmetric", "Step"})
"""Activations built only from +, -, *, / and comparisons: the reference matches bit for bit.
The others go through exp/tanh/sin/cos, where numpy's libm and the module's compiled-in libm may
differ in the last bits."""


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


ACTIVATIONS = {
    "Linear": lambda x: x,
    "Sigmoid": _sigmoid,
    "SymmetricSigmoid": lambda x: 2.0 / (1.0 + np.exp(-x)) - 1.0,
    "Tanh": np.tanh,
    "ReLU": lambda x: np.maximum(x, 0.0),
    "LeakyReLU": lambda x: np.where(x > 0.0, x, 0.01 * x),
    "Swish": lambda x: x * (1.0 / (1.0 + np.exp(-x))),
    "Gaussian": lambda x: np.exp(-x * x),
    "Elliot": lambda x: x / (1.0 + np.abs(x)),
    "SymmetricElliot": lambda x: 2.0 * x / (1.0 + np.abs(x)),
    "Sine": np.sin,
    "Cosine": np.cos,
    "SinSymmetric": lambda x: 2.0 * np.sin(x) - 1.0,
    "CosSymmetric": lambda x: 2.0 * np.cos(x) - 1.0,
    "ThresholdSymmetric": lambda x: np.where(x > 0.0, 1.0, -1.0),
    "Threshold": lambda x: np.where(x > 0.0, 1.0, 0.0),
    "StepSymmetric": lambda x: np.where(x > 0.0, 1.0, -1.0),
    "Step": lambda x: np.where(x > 0.0, 1.0, 0.0),
}


def activation_name(activation) -> str:
    name = getattr(activation, "name", activation)
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}")
    return name


def activate(activation, x, steepness: float = 1.0) -> np.ndarray:
    """The module's activation on f64 values (steepness scales x; 1.0 reproduces the module)."""
    x = np.asarray(x, dtype=np.float64)
    if steepness != 1.0:
        x = x * steepness
    return np.asarray(ACTIVATIONS[activation_name(activation)](x), dtype=np.float64)


def dot_rows_f32(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """Each row of `matrix` (f32, rows x cols) dotted with `vector` (f32), the module's way."""
    matrix = np.asarray(matrix, dtype=np.float32)
    vector = np.asarray(vector, dtype=np.float32)
    rows, cols = matrix.shape
    chunks = cols // 4
    lanes = np.zeros((rows, 4), dtype=np.float32)
    for c in range(chunks):
        lanes = lanes + matrix[:, 4 * c:4 * c + 4] * vector[4 * c:4 * c + 4]
    result = ((lanes[:, 0] + lanes[:, 1]) + lanes[:, 2]) + lanes[:, 3]
    for i in range(chunks * 4, cols):
        result = result + matrix[:, i] * vector[i]
    return result.astype(np.float32)


def layer_weights(layers, weights, index: int) -> np.ndarray:
    """The (size(l+1) x size(l)) matrix of layer transition `index`, in f64."""
    offset = sum(a * b for a, b in zip(layers[:index], layers[1:index + 1]))
    prev, curr = layers[index], layers[index + 1]
    return np.asarray(weights[offset:offset + prev * curr], dtype=np.float64) \
        .reshape(prev, curr).T


MODULE_ARITHMETIC = {"bg": "f32x4", "simd": "f32x4", "fann": "f64"}


def dot_rows_f64(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """Each row dotted with `vector` in f64, summed left to right from 0.0."""
    matrix = np.asarray(matrix, dtype=np.float64)
    vector = np.asarray(vector, dtype=np.float64)
    result = np.zeros(matrix.shape[0], dtype=np.float64)
    for i in range(matrix.shape[1]):
        result = result + matrix[:, i] * vector[i]
    return result


def forward(layers, weights, inputs, activation, biases=None, steepness: float = 1.0,
            arithmetic: str = "f32x4"):
    """The network output for `inputs` (f64 array), as `WasmNeuralNetwork.run` computes it
    (`arithmetic`: "f32x4" for the bg/simd modules, "f64" for fann; see MODULE_ARITHMETIC)."""
    if arithmetic not in ("f32x4", "f64"):
        raise ValueError(f"arithmetic must be 'f32x4' or 'f64', got {arithmetic!r}")
    layers = [int(n) for n in layers]
    weights = np.asarray(weights, dtype=np.float64)
    expected = sum(a * b for a, b in zip(layers, layers[1:]))
    if weights.size != expected:
        raise ValueError(f"expected {expected} weights, got {weights.size}")
    if biases is None:
        biases = np.zeros(sum(layers[1:]), dtype=np.float64)
    biases = np.asarray(biases, dtype=np.float64)
    current = np.asarray(inputs, dtype=np.float64)
    if current.size != layers[0]:
        raise ValueError(f"expected {layers[0]} inputs, got {current.size}")
    bias_offset = 0
    for index in range(len(layers) - 1):
        matrix = layer_weights(layers, weights, index)
        if arithmetic == "f64":
            sums = dot_rows_f64(matrix, current)
        else:
            sums = dot_rows_f32(matrix.astype(np.float32),
                                current.astype(np.float32)).astype(np.float64)
        curr = layers[index + 1]
        sums = sums + biases[bias_offset:bias_offset + curr]
        bias_offset += curr
        current = activate(activation, sums, steepness)
    return current


def randomized_parameters(layers, low: float, high: float, random) -> tuple[np.ndarray, np.ndarray]:
    """The weights and biases `randomize_weights(low, high)` produces from a Math.random source
    (call it with a fresh `SeededRandom` of the module's seed, advanced the same way)."""
    n_weights = sum(a * b for a, b in zip(layers, layers[1:]))
    n_biases = sum(layers[1:])
    draw = [low + (high - low) * random.random() for _ in range(n_weights + n_biases)]
    return np.array(draw[:n_weights]), np.array(draw[n_weights:])
