"""The planting steps of the synthetic archive; `ioreport.synthetic.generate` runs them.

Each step (accounts, creation, repurposed accounts, timing, topics,
interactions, text, hostile markup, coordinated groups, engagement, malformed
rows) adds its arrays to the `Network` and records what it planted in the
truth, which the analyses' tests must recover.
A network's specifics are data: a preset registered in `networks.PRESETS`.
"""
