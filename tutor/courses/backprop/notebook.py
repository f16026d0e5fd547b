"""How the bundled course's operations read in an exported notebook.

Each `formula(op, code, latex)` gives a compute step of this course a line of
numpy the learner can change and re-run, and its maths typeset; the notebook
export (tutor.notebook) imports this module when it exports one of the
course's lessons. Operations not listed here are called by name.
"""

from __future__ import annotations

from typing import Any

from tutor.plugin import formula


def _bias_code(n: dict[str, str], v: dict[str, Any]) -> str:
    import numpy as np

    if np.ndim(v.get("A")) == 1:
        return f"{n['out']} = np.concatenate(([1.0], {n['A']}))  # a 1 in front: the bias unit"
    return f"{n['out']} = np.hstack([np.ones(({n['A']}.shape[0], 1)), {n['A']}])  # a column of ones in front: the bias unit"


formula("add_bias", _bias_code, r"{out} = \left[\,\mathbf{{1}},\ {A}\,\right]")
formula("matmul", "{out} = {A} @ {B}", "{out} = {A}\\,{B}")
formula("sigmoid", "{out} = 1 / (1 + np.exp(-{z}))  # the sigmoid g, elementwise",
        r"{out} = g({z}) = \frac{{1}}{{1 + e^{{-{z}}}}}")
formula("sigmoid_gradient", "{out} = core.sigmoid({z}) * (1 - core.sigmoid({z}))  # g'(z) = g(z)(1 - g(z))",
        r"{out} = g'({z}) = g({z})\,\bigl(1 - g({z})\bigr)")
formula("row", "{out} = {A}[{index}]", None)
formula("column", "{out} = {A}[:, {index}]", None)
formula("transpose", "{out} = {A}.T", r"{out} = {A}^{{\top}}")
formula("argmax", "{out} = np.argmax({h}, axis=-1)", r"{out} = \arg\max_k {h}_{{k}}")
formula("sum_rows", "{out} = {A}.sum(axis=1)", None)
formula("one_hot", "{out} = np.eye({K})[{y}]  # row i is all zeros but a 1 in column y[i]", None)
formula("accuracy", "{out} = np.mean({p} == {y})  # the share of predictions equal to the labels", None)
formula("predict", "{out} = core.predict({thetas}, {X})", None)
formula("cost", "{out} = core.nn_cost({thetas}, {X}, {y}, {lam})", None)
formula("cross_entropy", "{out} = core.cross_entropy({h}, {Y})", None)
formula("unroll", "{out} = core.unroll({thetas})", None)
formula("n_params", "{out} = core.n_params({layer_sizes})", None)
formula("label_counts", "{out} = np.bincount({y}, minlength={K})  # how many examples of each class", None)

# Operations that give several values: each output key names its variable.
formula("to_wb", "W1, b1 = {thetas}[0][:, 1:], {thetas}[0][:, 0]  # the bias column becomes b\n"
                 "W2, b2 = {thetas}[1][:, 1:], {thetas}[1][:, 0]",
        r"\Theta^{{(l)}} = \left[\, b_l \;\middle|\; W_l \,\right]")
formula("wb_forward", "{Z1} = {X} @ {W1}.T + {b1}\n{A1} = np.tanh({Z1})\n{Z2} = {A1} @ {W2}.T + {b2}\n"
                      "{A2} = 1 / (1 + np.exp(-{Z2}))  # the sigmoid",
        r"Z_1 = X W_1^{{\top}} + b_1,\quad A_1 = \tanh Z_1,\quad Z_2 = A_1 W_2^{{\top}} + b_2,\quad A_2 = \sigma(Z_2)")
formula("wb_cost", "{out} = -np.mean({y} * np.log({A2}.ravel()) + (1 - {y}) * np.log(1 - {A2}.ravel()))",
        r"J = -\frac{{1}}{{m}} \sum_{{i=1}}^{{m}} \Bigl[ y_i \log A_{{2,i}} + (1 - y_i) \log(1 - A_{{2,i}}) \Bigr]")
formula("wb_backward", "{dZ2} = {A2} - {y}.reshape(-1, 1)\n{dW2} = {dZ2}.T @ {A1} / len({X})\n{db2} = {dZ2}.mean(axis=0)\n"
                       "{dZ1} = ({dZ2} @ {W2}) * (1 - {A1}**2)  # tanh'(Z1) = 1 - A1²\n"
                       "{dW1} = {dZ1}.T @ {X} / len({X})\n{db1} = {dZ1}.mean(axis=0)",
        r"dZ_2 = A_2 - Y,\quad dW_2 = \tfrac{{1}}{{m}} dZ_2^{{\top}} A_1,\quad "
        r"dZ_1 = (dZ_2 W_2) \odot (1 - A_1^2),\quad dW_1 = \tfrac{{1}}{{m}} dZ_1^{{\top}} X")
formula("wb_update", "{W1_next} = {W1} - {learning_rate} * {dW1}\n{b1_next} = {b1} - {learning_rate} * {db1}\n"
                     "{W2_next} = {W2} - {learning_rate} * {dW2}\n{b2_next} = {b2} - {learning_rate} * {db2}",
        r"W \leftarrow W - \alpha\, dW,\qquad b \leftarrow b - \alpha\, db")
formula("regularize_gradient", "{D_unreg} = {Delta} / {m}\n{reg_part} = ({lam} / {m}) * {Theta}\n"
                               "{reg_part}[:, 0] = 0  # the bias column is not regularized\n{D_reg} = {D_unreg} + {reg_part}",
        r"D = \frac{{1}}{{m}}\Delta + \frac{{\lambda}}{{m}}\Theta \quad (\text{{bias column: no }}\lambda\text{{ term}})")
formula("outer_product", None, r"\delta^{{(3)}}\, a^{{(2)\top}}")

# The maths only: these operations still run by name in the notebook.
_COST = (r"J(\Theta) = \frac{{1}}{{m}} \sum_{{i=1}}^{{m}} \sum_{{k=1}}^{{K}} \Bigl[ -Y_{{ik}} \log h_{{ik}} "
         r"- (1 - Y_{{ik}}) \log(1 - h_{{ik}}) \Bigr] + \frac{{\lambda}}{{2m}} \sum_{{l}} \sum_{{j}} \sum_{{k \ge 1}} "
         r"\bigl(\Theta^{{(l)}}_{{jk}}\bigr)^2")
formula("network_cost", "{out} = core.nn_cost({thetas}, {X}, {y}, {lam}, {activation})", _COST)
formula("cost_parts", None, _COST)
formula("forward", None, r"a^{{(1)}} = [\mathbf{{1}}, X],\ z^{{(2)}} = a^{{(1)}}\Theta^{{(1)\top}},\ "
                         r"a^{{(2)}} = [\mathbf{{1}}, g(z^{{(2)}})],\ z^{{(3)}} = a^{{(2)}}\Theta^{{(2)\top}},\ h = g(z^{{(3)}})")
formula("cost_terms", "hc = np.clip({h}, 1e-300, 1 - 1e-16)  # keeps log() finite where an output rounds to 0 or 1\n"
                      "{cost_terms} = -({Y} * np.log(hc) + (1 - {Y}) * np.log(1 - hc))  # one entry per output\n"
                      "{cost_per_example} = {cost_terms}.sum(axis=1)\n{J_unreg} = {cost_per_example}.mean()",
        r"c_{{ik}} = -Y_{{ik}} \log h_{{ik}} - (1 - Y_{{ik}}) \log(1 - h_{{ik}}),\qquad "
                            r"J = \frac{{1}}{{m}} \sum_{{i}} \sum_{{k}} c_{{ik}}")
formula("chance_cost", None, r"h_{{ik}} = \tfrac{{1}}{{2}} \;\Rightarrow\; J = K \log 2")
formula("sigmoid_gradient_values", None, r"g'(z) = g(z)\,\bigl(1 - g(z)\bigr)")
formula("vectorized_backprop", None, r"\delta^{{(3)}} = h - Y,\quad \delta^{{(2)}} = \bigl(\delta^{{(3)}}\Theta^{{(2)}}\bigr)_{{:,1:}} "
                                     r"\odot g'(z^{{(2)}}),\quad D^{{(l)}} = \frac{{1}}{{m}}\, \delta^{{(l+1)\top}} a^{{(l)}}")
formula("loop_backprop", None, r"\Delta^{{(l)}} \mathrel{{+}}= \delta^{{(l+1)}} \bigl(a^{{(l)}}\bigr)^{{\top}} \text{{ for each example }} t")
formula("debug_gradient_check", None, r"\frac{{\partial J}}{{\partial \theta_i}} \approx "
                                      r"\frac{{J(\theta + \epsilon e_i) - J(\theta - \epsilon e_i)}}{{2\epsilon}},\qquad "
                                      r"\frac{{\lVert n - a \rVert}}{{\lVert n + a \rVert}}")
formula("cost_change", "{cost_start}, {cost_end} = {history}[0], {history}[-1]  # the first and the last cost\n"
                       "{cost_fell_by} = {cost_start} - {cost_end}\n{cost_ratio} = {cost_end} / {cost_start}", None)
formula("percent_correct", "{predictions} = core.predict({thetas}, {X}, {activation})\n"
                           "{n_correct} = int(np.sum({predictions} == {y}))\n{n_wrong} = {predictions}.size - {n_correct}\n"
                           "{accuracy_percent} = 100 * {n_correct} / {predictions}.size", r"\text{{accuracy}} = \frac{{100}}{{m}} \sum_{{i}} \bigl[\, p_i = y_i \,\bigr]")
formula("saturation", "{g_prime_z} = core.sigmoid({z}) * (1 - core.sigmoid({z}))  # g'(z) for every unit\n"
                      "{mean_g_prime} = {g_prime_z}.mean()\n"
                      "{saturated_percent} = 100 * np.mean({g_prime_z} < 0.01)  # the share nearly switched off for learning",
        r"g'(z) = g(z)\,\bigl(1 - g(z)\bigr) \le \tfrac{{1}}{{4}}")
formula("one_example", "{ex_a1} = np.concatenate(([1.0], {X}[{index}]))  # one example as a column, its bias first\n"
                       "{ex_z2} = {thetas}[0] @ {ex_a1}\n"
                       "{ex_a2} = np.concatenate(([1.0], core.sigmoid({ex_z2})))\n"
                       "{ex_z3} = {thetas}[1] @ {ex_a2}\n"
                       "{ex_h} = core.sigmoid({ex_z3})\n"
                       "{ex_y} = {Y}[{index}]\n"
                       "{ex_delta3} = {ex_h} - {ex_y}  # the output error\n"
                       "{ex_back} = {thetas}[1].T @ {ex_delta3}  # sent back through Theta2, the bias entry still first\n"
                       "{ex_delta2} = {ex_back}[1:] * core.sigmoid_gradient({ex_z2})  # the bias entry dropped\n"
                       "{ex_label} = int(np.argmax({ex_y}))",
        r"z^{{(2)}} = \Theta^{{(1)}} a^{{(1)}},\quad a^{{(2)}} = [1;\, g(z^{{(2)}})],\quad "
        r"z^{{(3)}} = \Theta^{{(2)}} a^{{(2)}},\quad h = g(z^{{(3)}})")
