"""The same small app written for each framework the benchmarks compare."""
