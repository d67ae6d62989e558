"""Scale generator and benchmark for the warehouse (see docs/performance.md)."""
