"""Golden outputs for KernelSolversGoldenTest: scikit-learn's LogisticRegressionCV / SVC on a precomputed kernel
and numpy's minimum-norm least squares, called exactly as LM-Kernel-FT's src/kernel_solvers.py calls them.

Run with Debian's python3-sklearn (1.2.1) and numpy:  /usr/bin/python3 make_golden.py > solvers_golden.json
"""
import json

import numpy as np
from sklearn.linear_model import LogisticRegressionCV
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import SVC

rng = np.random.RandomState(7)
N, K, P, M = 12, 2, 40, 10          # train examples, outputs, feature dim, test examples
labels = np.array([0, 1] * (N // 2))
rng.shuffle(labels)
test_labels = rng.randint(0, K, size=M)


def features(lab):
    # one row per (example, output): Gaussian noise plus a shift along a class direction for the true output
    phi = rng.normal(size=(len(lab) * K, P))
    for i, y in enumerate(lab):
        phi[i * K + y, :5] += 1.5
    return phi


phi_tr = features(labels)
phi_te = features(test_labels)
gram = phi_tr @ phi_tr.T                       # [N*K, N*K], row i*K + k
cross = phi_te @ phi_tr.T                      # [M*K, N*K]
onehot = np.eye(K)[labels].reshape(-1)         # LM-Kernel-FT's flattened one-hot targets
cls = ((onehot + 1) / 2).astype(int)           # its conversion for the classifiers

lstsq = np.linalg.lstsq(gram, onehot, rcond=None)[0]
logit = LogisticRegressionCV(max_iter=10000, random_state=0).fit(gram, cls)
svc = SVC(kernel="precomputed").fit(gram, cls)
folds = np.empty(len(cls), dtype=int)
for f, (_, test) in enumerate(StratifiedKFold(5).split(gram, cls)):
    folds[test] = f

print(json.dumps({
    "gram": gram.tolist(), "cross": cross.tolist(), "targets": onehot.tolist(),
    "lstsq_scores": (cross @ lstsq).tolist(),
    "logistic_C": float(logit.C_[0]),
    "logistic_decision": logit.decision_function(cross).tolist(),
    "svm_predict": svc.predict(cross).tolist(),
    "svm_decision": svc.decision_function(cross).tolist(),
    "svm_support": int(svc.support_.size),
    "folds": folds.tolist(),
}))
