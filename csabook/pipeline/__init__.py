"""The build pipeline: plan, execute, cache, assemble, publish, pdf."""
