"""The synthetic archive generator: `ioreport.synthetic.generate` runs a pipeline of planting steps.

`core` holds what every step shares (the preset models, calendar, ids, row containers, vocabulary and
drawing helpers); `steps` holds one module per step, each importing only `core`; `presets` holds one YAML
file per network. `truth` computes truth.json from the final rows, `render` and `writer` write the files.
"""
