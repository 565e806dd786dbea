/**
 * Kernel baselines on the empirical NTK (LM-Kernel-FT, Malladi et al. 2023): the train Gram and the test-vs-train
 * cross kernel from {@link io.lorank.linearized.GradientFactors} ({@link CrossGram}), and the solvers that fit on the
 * precomputed kernel — least squares ({@link LstsqSolver}), logistic regression on kernel rows
 * ({@link LogisticSolver}, LIBLINEAR) and an SVM ({@link SvmSolver}, LIBSVM) — with the target and prediction rules
 * ({@link KernelTargets}). DJL-free: arrays, EJML and OpenBLAS only. The DJL side (extraction, the streamed test
 * pass) is {@code entk.KernelBaselines}.
 */
package io.lorank.kernel;
