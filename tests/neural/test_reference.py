"""Network outputs against the numpy reference, for every activation function.

Activations made of + - * / and comparisons match bit for bit; the ones through exp/tanh/sin/cos
may differ in the last bits (numpy's libm versus the libm compiled into the module), so they are
compared to 1e-13.  Between the two engines everything is compared bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from bindgen import SeededRandom
from neural import ActivationFunction, RuvSwarm
from neural.reference import (EXACT, MODULE_ARITHMETIC, activate, dot_rows_f32, forward,
                              randomized_parameters)

SEED = 21
SHAPES = ([3, 5, 2], [9, 7, 4, 3], [16, 13, 1])
_MODULES: dict = {}
_PAIR: dict = {}


def module(name: str, engine: str = "wasmtime") -> RuvSwarm:
    if (name, engine) not in _MODULES:
        _MODULES[name, engine] = (RuvSwarm(name, engine, seed=SEED), SeededRandom(SEED))
    return _MODULES[name, engine]


def compare(activation, out, ref):
    if activation.name in EXACT:
        assert out.tobytes() == ref.tobytes()
    else:
        np.testing.assert_allclose(out, ref, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("name", ["bg", "simd", "fann"])
@pytest.mark.parametrize("activation", list(ActivationFunction), ids=lambda a: a.name)
def test_every_activation_against_reference(name, activation):
    rs, shadow = module(name)
    rng = np.random.default_rng(int(activation))
    for layers in SHAPES:
        with rs.WasmNeuralNetwork(layers, activation) as net:
            net.randomize_weights(-2.0, 2.0)
            weights, biases = randomized_parameters(layers, -2.0, 2.0, shadow)
            assert net.get_weights().tobytes() == weights.tobytes()
            for _ in range(3):
                x = rng.uniform(-3, 3, layers[0])
                ref = forward(layers, weights, x, activation, biases,
                              arithmetic=MODULE_ARITHMETIC[name])
                compare(activation, net.run(x), ref)


@pytest.mark.parametrize("activation", list(ActivationFunction), ids=lambda a: a.name)
def test_set_weights_keeps_zero_biases(activation):
    rs, _ = module("bg")
    layers = [4, 6, 3]
    weights = np.linspace(-1.5, 1.5, 4 * 6 + 6 * 3)
    with rs.WasmNeuralNetwork(layers, activation) as net:
        net.set_weights(weights)
        assert net.get_weights().tobytes() == weights.tobytes()
        x = np.array([0.5, -1.0, 2.0, 0.25])
        compare(activation, net.run(x), forward(layers, weights, x, activation))


@pytest.mark.parametrize("activation", list(ActivationFunction), ids=lambda a: a.name)
def test_pywasm_core_matches_wasmtime_and_reference(activation):
    """Small networks on the pure-Python engine: bit-equal to wasmtime."""
    layers = [3, 4, 2]
    x = np.array([0.75, -0.5, 1.25])
    results = []
    for engine in ("wasmtime", "pywasm_core"):
        if engine not in _PAIR:  # this pair sees the same calls in the same order
            _PAIR[engine] = RuvSwarm("bg", engine, seed=SEED)
        rs = _PAIR[engine]
        with rs.WasmNeuralNetwork(layers, activation) as net:
            net.randomize_weights(-1.0, 1.0)
            results.append((net.get_weights(), net.run(x)))
    (w1, y1), (w2, y2) = results
    assert w1.tobytes() == w2.tobytes()
    assert y1.tobytes() == y2.tobytes()


def test_pywasm_core_simd_and_fann_networks_match_wasmtime():
    x = np.linspace(-1, 1, 8)
    for name in ("simd", "fann"):
        outs = []
        for engine in ("wasmtime", "pywasm_core"):
            rs = RuvSwarm(name, engine, seed=5)
            net = rs.WasmNeuralNetwork([8, 5, 2], "tanh")
            net.randomize_weights(-1.0, 1.0)
            outs.append(net.run(x))
        assert outs[0].tobytes() == outs[1].tobytes()


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(np.float32, st.integers(0, 23),
                  elements=st.floats(-1e3, 1e3, width=32)), st.data())
def test_dot_product_lane_order(a, data):
    """The module's f32 dot product (SimdVectorOps) is the reference's 4-lane sum, bit for bit."""
    b = data.draw(hnp.arrays(np.float32, a.shape, elements=st.floats(-1e3, 1e3, width=32)))
    rs, _ = module("bg")
    vec = rs.SimdVectorOps()
    got = vec.dot_product(a, b)
    vec.free()
    want = dot_rows_f32(a.reshape(1, -1), b)[0] if a.size else np.float32(0.0)
    assert np.float32(got).tobytes() == np.float32(want).tobytes()


def test_steepness_scales_the_input():
    x = np.array([-1.0, 0.0, 2.0])
    assert np.array_equal(activate("Sigmoid", x, 1.0), 1.0 / (1.0 + np.exp(-x)))
    assert np.array_equal(activate("Sigmoid", x, 2.0), 1.0 / (1.0 + np.exp(-2.0 * x)))
    assert np.array_equal(activate("Threshold", x), [0.0, 0.0, 1.0])
    assert np.array_equal(activate("StepSymmetric", x), [-1.0, -1.0, 1.0])


def test_reference_rejects_bad_shapes():
    with pytest.raises(ValueError, match="expected 6 weights"):
        forward([2, 3], np.zeros(5), [0.0, 0.0], "Linear")
    with pytest.raises(ValueError, match="expected 2 inputs"):
        forward([2, 3], np.zeros(6), [0.0], "Linear")
    with pytest.raises(ValueError, match="arithmetic"):
        forward([2, 3], np.zeros(6), [0.0, 0.0], "Linear", arithmetic="f16")
    with pytest.raises(ValueError, match="unknown activation"):
        activate("Softmax", [1.0])


EXACT_ACTIVATIONS = sorted(EXACT)


@settings(max_examples=40, deadline=None)
@given(layers=st.lists(st.integers(1, 11), min_size=2, max_size=4),
       activation=st.sampled_from(EXACT_ACTIVATIONS), module_name=st.sampled_from(["bg", "fann"]),
       data=st.data())
def test_random_networks_bit_exact(layers, activation, module_name, data):
    """Random shapes and weights, set through set_weights: bit for bit equal to the reference."""
    count = sum(a * b for a, b in zip(layers, layers[1:]))
    finite = st.floats(-4, 4, allow_nan=False, allow_infinity=False)
    weights = np.array(data.draw(st.lists(finite, min_size=count, max_size=count)))
    x = np.array(data.draw(st.lists(finite, min_size=layers[0], max_size=layers[0])))
    rs, _ = module(module_name)
    with rs.WasmNeuralNetwork(layers, activation) as net:
        net.set_weights(weights)
        out = net.run(x)
    ref = forward(layers, weights, x, activation, arithmetic=MODULE_ARITHMETIC[module_name])
    assert out.tobytes() == ref.tobytes()
