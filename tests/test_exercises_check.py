"""The checker on learner files of every kind: right, each known mistake, each crash.

Every file here is written the way a learner would write it; the checker runs
it in the real sandbox. Each test asserts the verdict and the words or the
diagnosis id a wrong implementation of the checker would get wrong.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from tutor.course import bundled_course
from tutor.exercises.catalog import get_exercise
from tutor.exercises.check import check_file

# numpy only: a learner could import these from tutor.core, but the core pulls
# in scipy and every sandbox run would pay its import time.
HEADER = """import numpy as np

def sigmoid(z):
    return 1 / (1 + np.exp(-z))

def sigmoid_gradient(z):
    return sigmoid(z) * (1 - sigmoid(z))

def reshape_params(params, sizes):
    n1 = sizes[1] * (sizes[0] + 1)
    return params[:n1].reshape(sizes[1], sizes[0] + 1), params[n1:].reshape(sizes[2], sizes[1] + 1)
"""

# A learner's nn_cost_function, with switches where learners go wrong.
NN = HEADER + '''
def nn_cost_function(params, layer_sizes, X, y, lam):
    Theta1, Theta2 = reshape_params(params, layer_sizes)
    m = X.shape[0]
    K = layer_sizes[-1]
    a1 = np.hstack([np.ones((m, 1)), X])
    z2 = a1 @ Theta1.T
    a2 = np.hstack([np.ones((m, 1)), sigmoid(z2)])
    h = sigmoid(a2 @ Theta2.T)
    Y = np.eye(K)[{labels}]
    J = np.sum(-Y * np.log(h) - (1 - Y) * np.log(1 - h)) / {m_cost}
    T1, T2 = Theta1[:, {first}:], Theta2[:, {first}:]
    J += lam / ({reg}) * (np.sum(T1 ** 2) + np.sum(T2 ** 2))
    d3 = h - Y
    d2 = (d3 @ Theta2){drop} * {gprime}
    D1 = d2.T @ a1 / {m_grad}
    D2 = d3.T @ a2 / {m_grad}
    D1[:, {first}:] += {greg} * Theta1[:, {first}:]
    D2[:, {first}:] += {greg} * Theta2[:, {first}:]
    return J, np.concatenate([D1{keep}.ravel(), D2{keep}.ravel()])
'''
RIGHT = dict(labels="y", m_cost="m", first="1", reg="2 * m", drop="[:, 1:]", gprime="sigmoid_gradient(z2)",
             m_grad="m", greg="lam / m", keep="")


def nn_source(**changes) -> str:
    return NN.format(**{**RIGHT, **changes})


def write(tmp_path, source, name="answer.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(source) if not source.startswith("import") else source)
    return path


def run(tmp_path, exercise_id, source, **kw):
    return check_file(get_exercise(exercise_id, bundled_course()), write(tmp_path, source), **kw)


# -- right answers -----------------------------------------------------------------


def test_right_backprop_passes_with_full_score_and_a_clean_gradient_check(tmp_path):
    result = run(tmp_path, "regularized-gradient", nn_source())
    assert result.passed, [t.message for t in result.tests]
    assert result.score == result.max_score == 8
    assert result.diagnoses == []
    assert result.gradient_check["relative_difference"] < 1e-9
    assert result.gradient_check["verdict"] == "pass"


def test_right_sigmoid_gradient_passes(tmp_path):
    src = HEADER + "def sigmoid_gradient(z):\n    s = 1 / (1 + np.exp(-np.asarray(z, float)))\n    return s * (1 - s)\n"
    assert run(tmp_path, "sigmoid-gradient", src).passed


def test_right_random_initialization_passes(tmp_path):
    src = ("import numpy as np\n"
           "def rand_initialize_weights(L_in, L_out, epsilon=0.12, rng=None):\n"
           "    return np.random.rand(L_out, 1 + L_in) * 2 * epsilon - epsilon\n")
    result = run(tmp_path, "rand-initialize-weights", src)
    assert result.passed, [t.message for t in result.tests]


def test_right_from_scratch_functions_pass(tmp_path):
    fwd = ("import numpy as np\n"
           "def forward_propagation(X, parameters):\n"
           "    Z1 = np.dot(X, parameters['W1'].T) + parameters['b1']\n"
           "    A1 = np.tanh(Z1)\n"
           "    Z2 = np.dot(A1, parameters['W2'].T) + parameters['b2']\n"
           "    A2 = 1 / (1 + np.exp(-Z2))\n"
           "    return A2, {'Z1': Z1, 'A1': A1, 'Z2': Z2, 'A2': A2}\n")
    upd = ("def update_parameters(parameters, grads, learning_rate):\n"
           "    return {k: v - learning_rate * grads['d' + k] for k, v in parameters.items()}\n")
    assert run(tmp_path, "forward-propagation", fwd).passed
    assert run(tmp_path, "update-parameters", upd).passed


def test_right_numerical_gradient_passes_and_predict_with_zero_based_labels(tmp_path):
    num = ("import numpy as np\n"
           "def compute_numerical_gradient(J, theta, e=1e-4):\n"
           "    num = np.zeros(theta.size)\n"
           "    for i in range(theta.size):\n"
           "        u = np.zeros(theta.size); u[i] = e\n"
           "        a, b = J(theta + u), J(theta - u)\n"
           "        a = a[0] if isinstance(a, tuple) else a\n"
           "        b = b[0] if isinstance(b, tuple) else b\n"
           "        num[i] = (a - b) / (2 * e)\n"
           "    return num\n")
    assert run(tmp_path, "numerical-gradient", num).passed
    pred = (HEADER + "def predict(thetas, X):\n    a = X\n    for T in thetas:\n"
            "        a = sigmoid(np.hstack([np.ones((a.shape[0], 1)), a]) @ T.T)\n    return np.argmax(a, axis=1)\n")
    assert run(tmp_path, "predict", pred).passed


# -- each known mistake is named ----------------------------------------------------

MISTAKES = [
    ("sigmoid-gradient", HEADER + "def sigmoid_gradient(z):\n    return sigmoid(z)\n", "sigmoid-instead-of-gradient"),
    ("sigmoid-gradient", HEADER + "def sigmoid_gradient(z):\n    a = sigmoid(z)\n    return sigmoid(a) * (1 - sigmoid(a))\n",
     "gradient-with-a-not-z"),
    ("regularized-cost", nn_source(first="0"), "regularized-bias"),
    ("regularized-gradient", nn_source(greg="lam / (2 * m)"), "regularization-factor"),
    ("regularized-cost", nn_source(reg="m"), "regularization-factor"),
    ("feedforward-cost", nn_source(m_cost="1"), "missing-divide-by-m"),
    ("backprop-gradient", nn_source(m_grad="1"), "missing-divide-by-m"),
    ("feedforward-cost", nn_source(labels="y - 1"), "labels-off-by-one"),
    ("backprop-gradient", nn_source(gprime="sigmoid_gradient(a2[:, 1:])"), "gradient-with-a-not-z"),
    ("backprop-gradient", nn_source(drop="", gprime="(a2 * (1 - a2))").replace("D1[:, 1:] +=", "# D1[:, 1:] +="),
     "bias-delta-kept"),
    ("backprop-gradient", nn_source(keep="[:, 1:]"), "missing-bias-column"),
    ("numerical-gradient",
     "import numpy as np\ndef compute_numerical_gradient(J, theta, e=1e-4):\n"
     "    f = lambda t: J(t)[0] if isinstance(J(t), tuple) else J(t)\n"
     "    base = f(theta)\n    num = np.zeros_like(theta)\n    for i in range(theta.size):\n"
     "        t = theta.copy(); t[i] += e\n        num[i] = (f(t) - base) / e\n    return num\n",
     "one-sided-difference"),
    ("rand-initialize-weights",
     "import numpy as np\ndef rand_initialize_weights(L_in, L_out, epsilon=0.12, rng=None):\n"
     "    return np.zeros((L_out, 1 + L_in))\n", "symmetric-initialization"),
    ("rand-initialize-weights",
     "import numpy as np\ndef rand_initialize_weights(L_in, L_out, epsilon=0.12, rng=None):\n"
     "    return np.random.rand(L_out, 1 + L_in) * epsilon\n", "wrong-init-range"),
    ("rand-initialize-weights",
     "import numpy as np\ndef rand_initialize_weights(L_in, L_out, epsilon=0.12, rng=None):\n"
     "    return np.random.uniform(-epsilon, epsilon, (L_out, L_in))\n", "init-missing-bias-column"),
    ("predict", HEADER + "def predict(thetas, X):\n    a = X\n    for T in thetas:\n"
     "        a = sigmoid(np.hstack([np.ones((a.shape[0], 1)), a]) @ T.T)\n    return np.argmax(a, axis=1) + 1\n",
     "labels-off-by-one"),
    ("backward-propagation",
     "import numpy as np\ndef backward_propagation(parameters, cache, X, Y):\n"
     "    m = X.shape[0]\n    A1, A2 = cache['A1'], cache['A2']\n    dZ2 = A2 - Y\n"
     "    dZ1 = dZ2 @ parameters['W2'] * (1 - np.tanh(A1) ** 2)\n"
     "    return {'dW1': dZ1.T @ X / m, 'db1': dZ1.mean(0), 'dW2': dZ2.T @ A1 / m, 'db2': dZ2.mean(0)}\n",
     "gradient-with-a-not-z"),
    ("update-parameters", "def update_parameters(parameters, grads, learning_rate):\n"
     "    return {k: v + learning_rate * grads['d' + k] for k, v in parameters.items()}\n", "wrong-sign"),
]


@pytest.mark.parametrize("exercise_id, source, diagnosis", MISTAKES, ids=[f"{m[0]}:{m[2]}" for m in MISTAKES])
def test_each_known_mistake_fails_and_is_named(tmp_path, exercise_id, source, diagnosis):
    result = run(tmp_path, exercise_id, source)
    assert not result.passed
    assert diagnosis in [d.id for d in result.diagnoses], [t.message for t in result.tests]


def test_right_answer_is_not_given_a_diagnosis_for_a_partly_right_cost(tmp_path):
    # J right, gradient left as the stub's zeros: the cost exercise passes.
    src = nn_source().replace("return J, np.concatenate([D1.ravel(), D2.ravel()])", "return J, np.zeros_like(params)")
    assert run(tmp_path, "regularized-cost", src).passed


def test_shape_crash_from_a_kept_bias_delta_is_named_only_because_a_variant_raises_the_same(tmp_path):
    # The crash itself only says the shapes do not fit; the cause is named because
    # the kept-bias-delta variant, recomputed, fails with the same sizes.
    result = run(tmp_path, "regularized-gradient", nn_source(drop="", gprime="(a2 * (1 - a2))"))
    assert "shapes of two operands do not fit" in result.tests[0].message
    assert "bias" not in result.tests[0].message
    assert [d.id for d in result.diagnoses] == ["bias-delta-kept"]


def test_missing_bias_column_is_explained_per_theta(tmp_path):
    result = run(tmp_path, "backprop-gradient", nn_source(keep="[:, 1:]"))
    msg = result.tests[0].message
    assert "Your grad has 30 numbers; it should have 38 (Theta1 5 x 4, Theta2 3 x 6, unrolled)" in msg
    assert [d.id for d in result.diagnoses] == ["missing-bias-column"]
    assert "skipped" in result.gradient_check


def test_wrong_gradient_shows_a_failing_gradient_check_on_the_learners_own_cost(tmp_path):
    result = run(tmp_path, "backprop-gradient", nn_source(gprime="sigmoid_gradient(a2[:, 1:])"))
    gc = result.gradient_check
    assert gc["verdict"] == "fail" and gc["relative_difference"] > 1e-5


# -- crashes and misbehaviour, in plain words ---------------------------------------


def test_exception_reports_the_learners_line(tmp_path):
    src = "import numpy as np\ndef sigmoid_gradient(z):\n    s = 1 / (1 + np.exp(-z))\n    return s * (1 - t)\n"
    result = run(tmp_path, "sigmoid-gradient", src)
    assert not result.passed
    assert "NameError at line 4" in result.tests[0].message
    assert "s * (1 - t)" in result.tests[0].message


def test_syntax_error_reports_its_line(tmp_path):
    src = "import numpy as np\n\ndef sigmoid_gradient(z)\n    return z\n"
    result = run(tmp_path, "sigmoid-gradient", src)
    assert result.problem and "line 3" in result.problem and "cannot read your file" in result.problem
    assert result.score == 0 and all(not t.passed for t in result.tests)


def test_wrong_return_type_is_named(tmp_path):
    src = "def sigmoid_gradient(z):\n    return 'a string'\n"
    result = run(tmp_path, "sigmoid-gradient", src)
    assert "Your g is a str" in result.tests[0].message


def test_forgotten_return_says_none(tmp_path):
    src = "import numpy as np\ndef sigmoid_gradient(z):\n    s = 1 / (1 + np.exp(-z))\n"
    assert "None (did the function forget to return?)" in run(tmp_path, "sigmoid-gradient", src).tests[0].message


def test_nan_is_reported(tmp_path):
    src = "import numpy as np\ndef sigmoid_gradient(z):\n    return np.full(np.shape(z), np.nan)\n"
    result = run(tmp_path, "sigmoid-gradient", src)
    assert "NaN or infinite" in result.tests[0].message
    assert not result.passed


def test_changed_input_array_is_reported(tmp_path):
    src = ("import numpy as np\ndef compute_numerical_gradient(J, theta, e=1e-4):\n"
           "    num = np.zeros_like(theta)\n    for i in range(theta.size):\n"
           "        theta[i] += e\n        a = J(theta)\n        theta[i] -= 2 * e\n        b = J(theta)\n"
           "        a = a[0] if isinstance(a, tuple) else a\n        b = b[0] if isinstance(b, tuple) else b\n"
           "        num[i] = (a - b) / (2 * e)\n    return num\n")
    result = run(tmp_path, "numerical-gradient", src)
    assert not result.passed
    assert "changed its input theta in place" in result.tests[0].message


def test_endless_loop_is_stopped_and_reported(tmp_path):
    src = "def sigmoid_gradient(z):\n    while True:\n        pass\n"
    result = run(tmp_path, "sigmoid-gradient", src, timeout=2)
    assert "did not finish within 2 s (an endless loop?)" in result.problem
    assert "g'(z) at z = -1" in result.problem  # names the test that hung
    assert not result.passed


def test_huge_allocation_is_reported_as_memory(tmp_path):
    src = "import numpy as np\ndef sigmoid_gradient(z):\n    big = np.ones((200000, 200000))\n    return z\n"
    result = run(tmp_path, "sigmoid-gradient", src, memory_mb=1024)
    assert "more memory than allowed (1024 MB) at line 3" in result.tests[0].message


def test_missing_function_and_missing_file(tmp_path):
    result = run(tmp_path, "sigmoid-gradient", "def sigmoid_grad(z):\n    return z\n")
    assert "no function named sigmoid_gradient" in result.problem and "sigmoid_grad" in result.problem
    from tutor.base.errors import TutorError

    with pytest.raises(TutorError, match="tutor exercise start sigmoid-gradient"):
        check_file(get_exercise("sigmoid-gradient", bundled_course()), tmp_path / "nope.py")


def test_learners_file_is_untouched(tmp_path):
    src = "def sigmoid_gradient(z):\n    raise ValueError('oops')\n"
    path = write(tmp_path, src)
    before = path.read_bytes()
    check_file(get_exercise("sigmoid-gradient", bundled_course()), path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answer.py"]


def test_top_level_error_in_the_file_is_reported_with_line(tmp_path):
    src = "import numpy as np\nx = 1 / 0\ndef sigmoid_gradient(z):\n    return z\n"
    result = run(tmp_path, "sigmoid-gradient", src)
    assert "while loading" in result.problem and "ZeroDivisionError at line 2" in result.problem


def test_transposed_result_is_explained(tmp_path):
    src = ("import numpy as np\ndef backward_propagation(parameters, cache, X, Y):\n"
           "    m = X.shape[0]\n    A1, A2 = cache['A1'], cache['A2']\n    dZ2 = A2 - Y\n"
           "    dZ1 = dZ2 @ parameters['W2'] * (1 - A1 ** 2)\n"
           "    return {'dW1': dZ1.T @ X / m, 'db1': dZ1.mean(0), 'dW2': A1.T @ dZ2 / m, 'db2': dZ2.mean(0)}\n")
    result = run(tmp_path, "backward-propagation", src)
    assert 'Your grads["dW2"] is 4 x 1; it should be 1 x 4: rows and columns are swapped' in result.tests[0].message


def test_stub_scores_zero_and_says_not_written(tmp_path):
    from tutor.exercises.stubs import stub_source

    ex = get_exercise("predict", bundled_course())
    result = run(tmp_path, "predict", stub_source(ex))
    assert result.score == 0
    assert "not written yet" in result.tests[0].message
    np.testing.assert_equal([t.passed for t in result.tests], [False] * len(ex.tests))


def test_helpers_beside_the_file_import_but_cannot_shadow_numpy(tmp_path):
    (tmp_path / "myhelpers.py").write_text("import numpy as np\ndef sig(z):\n    return 1 / (1 + np.exp(-z))\n")
    (tmp_path / "numpy.py").write_text("raise RuntimeError('shadowed')\n")
    src = "import numpy as np\nfrom myhelpers import sig\ndef sigmoid_gradient(z):\n    return sig(z) * (1 - sig(z))\n"
    assert run(tmp_path, "sigmoid-gradient", src).passed


def test_gradient_as_a_list_of_matrices_is_explained(tmp_path):
    src = nn_source().replace("return J, np.concatenate([D1.ravel(), D2.ravel()])", "return J, [D1[:, 1:], D2]")
    msg = run(tmp_path, "backprop-gradient", src).tests[0].message
    assert "a list of 2 matrices; it should be one flat vector" in msg
    assert "Theta1 part is 5 x 3, not 5 x 4" in msg


def test_a_process_that_dies_is_reported_not_crashing_the_tutor(tmp_path):
    src = "import os\ndef sigmoid_gradient(z):\n    os._exit(3)\n"
    result = run(tmp_path, "sigmoid-gradient", src)
    assert "ended the check during test 1 ('g'(z) at z = -1, -0.5, 0, 0.5, 1')" in result.problem
    assert "(exit code 3)" in result.problem
    assert result.score == 0


def test_a_changed_signature_is_explained(tmp_path):
    src = nn_source().replace("def nn_cost_function(params, layer_sizes, X, y, lam):", "def nn_cost_function(params, X, y, lam):")
    msg = run(tmp_path, "feedforward-cost", src).tests[0].message
    assert "TypeError" in msg and "keep the stub's signature nn_cost_function(params, layer_sizes, X, y, lam)" in msg


def test_init_properties_never_fail_a_right_answer_and_catch_one_signed_weights():
    from tutor.exercises.catalog import get_exercise

    ex = get_exercise("rand-initialize-weights", bundled_course())
    check = ex.vocab.checkers[ex.checker].check

    def _init_check(_ex, args, value):
        return check(args, value)

    rng = np.random.default_rng(123)
    for L_in, L_out in [(3, 5), (400, 25), (25, 10), (1, 4)]:
        for _ in range(200):
            ok, msg, _ = _init_check(ex, [L_in, L_out, 0.12], rng.uniform(-0.12, 0.12, (L_out, 1 + L_in)))
            assert ok, msg
    ok, msg, _ = _init_check(ex, [3, 5, 0.12], rng.uniform(0, 0.12, (5, 4)))
    assert not ok and "take both signs" in msg.replace("takes", "take")
