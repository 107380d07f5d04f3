//! Events: PLOVER/CAMEO coding with modality, quantities and attribution.
