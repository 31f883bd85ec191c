"""Sub-commands of `redres`, one module per room; `redres.cli` registers them all."""
