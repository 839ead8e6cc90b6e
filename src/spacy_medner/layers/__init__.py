"""Thinc layers: the linear-chain CRF and the CRF tagger architecture."""
