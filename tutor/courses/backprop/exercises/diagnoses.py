"""The words of each named mistake in the bundled course.

A diagnosis is shown only when one of its variants (variants.py) reproduces
what the learner's code returned or raised, so each message may say plainly
what went wrong.
"""

from __future__ import annotations

from tutor.plugin import diagnosis

diagnosis("sigmoid-instead-of-gradient", "You returned the sigmoid, not its gradient",
          "Your values are g(z) itself. The gradient is g'(z) = g(z) * (1 - g(z)): compute g(z) first, "
          "then multiply it by (1 - g(z)). At z = 0 it is exactly 0.25.")
diagnosis("gradient-with-a-not-z", "g' was applied to the wrong thing",
          "The derivative was taken of something that already went through g (an activation a = g(z)), "
          "or the formula written for a was fed z. Use g'(z) = g(z)(1 - g(z)) on z, or a(1 - a) on a = g(z) "
          "(for tanh: 1 - a^2 on a = tanh(z)) -- but not both at once, and never on the bias unit.")
diagnosis("matrix-product-for-elementwise", "A matrix product where the product is elementwise",
          "g'(z) = g(z) * (1 - g(z)) multiplies cell by cell, and so does delta2 = (delta3 @ Theta2)[:, 1:] * g'(z2). "
          "With @ numpy takes a matrix product instead: use * there.")
diagnosis("regularized-bias", "The bias column was regularized",
          "The regularization should skip the first column of each Theta: that column multiplies the "
          "bias unit, which is always 1, and shrinking it helps nothing. Use Theta[:, 1:] in the sum of "
          "squares, and add (lambda / m) * Theta only to columns 1 and up of the gradient.")
diagnosis("missing-divide-by-m", "A division by m is missing",
          "The cost and the gradient are averages over the m examples. Something here is a sum: "
          "divide the cost's sum (and the regularization lambda / (2m)), and the accumulated Delta, by m.")
diagnosis("regularized-gradient-without-m", "The gradient's regularization is not divided by m",
          "The term added to the gradient is (lambda / m) * Theta (bias column excluded); yours adds "
          "lambda * Theta. Divide it by m like the rest of the gradient.")
diagnosis("regularization-factor", "The regularization factor is off by 2",
          "The cost adds lambda / (2m) times the sum of squared weights; its derivative, added to the "
          "gradient, is (lambda / m) * Theta. One of the two has the other's factor.")
diagnosis("labels-off-by-one", "The labels are off by one",
          "The tutor's labels are 0-based: y = 0 means the first class (column 0 of Y). The course's "
          "original code counted from 1. Build Y with Y[i, y[i]] = 1 (or np.eye(K)[y]) and predict "
          "with argmax, without adding or subtracting 1.")
diagnosis("bias-delta-kept", "The bias unit's delta was kept",
          "delta for a hidden layer must drop its first column (the bias unit) before it is used: "
          "delta2 = (delta3 @ Theta2)[:, 1:] * g'(z2). The bias unit has no incoming weights, so it has "
          "no gradient row; keeping it gives Theta1's gradient an extra row.")
diagnosis("missing-bias-column", "The bias is missing",
          "Each layer's input needs the bias: a column of ones in front of the activations (a1 = [1, X], "
          "a2 = [1, g(z2)]), or the + b term in W/b notation. Its gradient is column 0 of each Theta's "
          "gradient (the sum of the deltas / m) and its weights are column 0 of each Theta.")
diagnosis("bias-column-twice", "The bias column was added twice",
          "a1 = [1, X] has one column of ones; yours has two, so it no longer matches Theta1's s1 + 1 columns. "
          "Add the column once, to X itself.")
diagnosis("activation-missing", "z where g(z) belongs",
          "A hidden layer's output is its activation a = g(z), not z: a2 = [1, g(z2)] (from scratch: A1 = tanh(Z1)). "
          "Without g the hidden layer is linear and the network is no better than one layer.")
diagnosis("delta-sign-flipped", "The output error has the wrong sign",
          "The output layer's error is delta3 = h - Y (prediction minus target; from scratch dZ2 = A2 - Y). "
          "Y - h flips every gradient, so descent would climb the cost.")
diagnosis("squared-error-delta", "The squared-error delta with a cross-entropy cost",
          "With the cross-entropy cost, g'(z3) cancels: delta3 = h - Y exactly. (h - Y) * g'(z3) is the "
          "delta of a squared-error cost, not of this one.")
diagnosis("cost-missing-second-term", "The cost lacks its log(1 - h) half",
          "Each cell costs -Y log(h) - (1 - Y) log(1 - h). The second half penalises a high output where the "
          "target is 0; without it only the true class counts.")
diagnosis("mean-over-m-times-k", "The cost is averaged over m times K",
          "J sums over the K output units and averages over the m examples only: sum everything, then divide "
          "by m (np.mean over the whole m x K matrix divides by m * K).")
diagnosis("gradient-unrolled-column-major", "The gradient is unrolled in the wrong order",
          "params is unrolled row by row (Theta1 first, then Theta2), so the gradient must be too: "
          "np.concatenate([D1.ravel(), D2.ravel()]). Yours goes column by column: a D.T before ravel, "
          "ravel(order='F'), or a transposed product (a1.T @ delta2 instead of delta2.T @ a1) gives that.")
diagnosis("forward-missing-transpose", "A .T is missing in the forward pass",
          "Each layer computes z = a @ Theta.T (from scratch: Z = X @ W.T + b): Theta has one row per unit of "
          "the next layer, so it must be transposed to meet a's columns.")
diagnosis("backward-transposed-weights", "Theta was transposed in the backward pass",
          "Going back, the error flows through Theta itself: delta3 @ Theta2 (m x (s2 + 1)), not delta3 @ Theta2.T.")
diagnosis("column-minus-flat-broadcast", "An (m, 1) column minus an (m,) vector",
          "A2 is (m, 1) and your Y (or A2) was flat, (m,): numpy pairs every row with every entry and makes an "
          "m x m matrix. Keep both as (m, 1): use Y as given (or Y.reshape(-1, 1)), and do not ravel A2.")
diagnosis("transposed-product", "A product in the wrong order",
          "dW2 = dZ2.T @ A1 has W2's shape (n_y, n_h); A1.T @ dZ2 gives its transpose. Each gradient has the "
          "shape of the weights it belongs to.")
diagnosis("one-sided-difference", "One-sided difference",
          "You used (J(theta + e) - J(theta)) / e. The central difference "
          "(J(theta + e) - J(theta - e)) / (2e) is far more accurate: its error shrinks like e^2, not like e.")
diagnosis("difference-not-halved", "The difference was not divided by 2e",
          "Between theta - e and theta + e the distance is 2e, so divide (J(theta + e) - J(theta - e)) "
          "by 2 * e, not by e: your values are twice the gradient.")
diagnosis("perturbed-all-at-once", "Every parameter was moved at once",
          "Perturb one parameter at a time: a vector u that is 0 everywhere and e at position i. "
          "Moving all of them together gives the same number for every entry.")
diagnosis("symmetric-initialization", "The units start the same (symmetry)",
          "If two hidden units start with the same incoming weights (all zero, one row repeated, a seed "
          "reset for each row) or a unit's weights are all equal, the units compute the same thing, get the "
          "same gradient and stay identical for ever: the layer learns like one unit. Draw every weight "
          "independently, once: rng.uniform(-epsilon, epsilon, size=(L_out, 1 + L_in)).")
diagnosis("init-missing-bias-column", "No column for the bias weights",
          "W has one column per input, but each unit also has a bias weight: the weight on the bias unit, "
          "which always outputs 1. It sits in column 0, so W is (L_out, 1 + L_in), not (L_out, L_in).")
diagnosis("wrong-init-range", "The starting weights are in the wrong range",
          "The weights should be uniform in [-epsilon, epsilon] (epsilon = 0.12 here): centred on 0, "
          "small, and both signs. rand() alone gives [0, 1); multiply by 2 * epsilon and subtract epsilon.")
diagnosis("argmax-wrong-axis", "argmax over the wrong axis",
          "h has one row per example and one column per class; the prediction for each example is the "
          "column with the largest output: np.argmax(h, axis=1).")
diagnosis("wrong-activation", "The wrong activation",
          "In the from-scratch network the hidden layer uses tanh (A1 = np.tanh(Z1)), and its derivative "
          "is 1 - A1**2; the output layer uses the sigmoid.")
diagnosis("wrong-sign", "Gradient ascent instead of descent",
          "The update goes against the gradient: W = W - learning_rate * dW. With a + the cost climbs.")
diagnosis("missing-learning-rate", "The learning rate is missing",
          "Each step is the gradient times the learning rate: W = W - learning_rate * dW.")
