"""Writes students.csv: the made-up data set of this course (run it again to rebuild the file).

100 students of an online class: hours of practice exercises, hours of
lecture videos, and whether they passed the final quiz (1) or not (0).
A student's chance of passing follows a logistic curve in the two hours
(the model the course then recovers), drawn with a fixed seed.
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
    for row in zip(practice, lectures, passed):
        f.write(f"{row[0]:.1f},{row[1]:.1f},{row[2]}\n")
