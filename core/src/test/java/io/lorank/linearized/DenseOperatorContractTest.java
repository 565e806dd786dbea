package io.lorank.linearized;

/** The dense operator (G formed) against itself built independently from the same factors. */
class DenseOperatorContractTest extends OperatorContract {
    @Override
    MeasurementOperator make(FactoredOperator reference) {
        return reference.toDense();
    }
}
