"""Writes this course's data files (run it here again to rebuild them; both are seeded or exact).

students.csv: 100 made-up students of an online class: hours of practice
exercises, hours of lecture videos, and whether they passed the final quiz
(1) or not (0). A student's chance of passing follows a logistic curve in
the two hours (the model the course then recovers), drawn with a fixed seed.

trained-weights.csv: the weights w = [w0, w1, w2] that the gradient-descent
lesson finds with its default settings (w = 0 at the start, 1000 steps,
learning rate 0.2), so that the last lesson starts from the trained model
instead of training again. tests/test_course_logistic.py recomputes them.
"""

import numpy as np

rng = np.random.default_rng(11)
m = 100
practice = np.round(rng.uniform(0.0, 6.0, m), 1)
lectures = np.round(rng.uniform(0.0, 6.0, m), 1)
chance = 1.0 / (1.0 + np.exp(-(-6.0 + 1.2 * practice + 0.8 * lectures)))
passed = (rng.uniform(size=m) < chance).astype(int)
with open("students.csv", "w", encoding="utf-8") as f:
    f.write("practice_hours,lecture_hours,passed\n")
    f.writelines(f"{row[0]:.1f},{row[1]:.1f},{row[2]}\n" for row in zip(practice, lectures, passed))

# Gradient descent exactly as the lesson runs it, on the numbers as written above.
data = np.loadtxt("students.csv", delimiter=",", skiprows=1)
X = np.column_stack([np.ones(m), data[:, :2]])
y = data[:, 2]
w = np.zeros(3)
for _ in range(1000):
    h = 1.0 / (1.0 + np.exp(-(X @ w)))
    w = w - 0.2 * (X.T @ (h - y) / m)
with open("trained-weights.csv", "w", encoding="utf-8") as f:
    f.write("w\n")
    f.writelines(f"{float(value)!r}\n" for value in w)
