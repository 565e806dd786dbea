package io.lorank.linearized;

/** The pure-Java factored operator. */
class FactoredOperatorContractTest extends OperatorContract {
    @Override
    MeasurementOperator make(FactoredOperator reference) {
        return reference;
    }
}
