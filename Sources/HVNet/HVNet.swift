// The umbrella module: `import HVNet` brings in hvnet's whole public API, stage by stage
// (docs/architecture.md shows the stages and who may import whom).
@_exported import GSLSupport
@_exported import HVNetAnalysis
@_exported import HVNetExperiments
@_exported import HVNetModel
@_exported import HVNetNoise
@_exported import HVNetOutput
@_exported import HVNetScenario
@_exported import HVNetSimulation
@_exported import HVNetSolvers
@_exported import NWBExport
@_exported import Numerics
