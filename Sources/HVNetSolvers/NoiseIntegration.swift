/// How the Ornstein–Uhlenbeck input enters the integration (docs/model.md §8, "Noise path and shifted integration").
public enum NoiseIntegration: String, Sendable, CaseIterable, Codable {
    /// The solver evaluates the noise at its stage times: dy/dt = F(y) + μ + η(t).
    case plain
    /// Each step from tₙ integrates ỹ = y − J(t), J(t) = ∫_{tₙ}^t η: the solver sees the C¹
    /// function J instead of the rough η, and y = ỹ + J(tₙ₊₁) at the end of the step.
    case shifted
}
