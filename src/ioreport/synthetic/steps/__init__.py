"""The planting steps, one module each. A step adds rows of its own and may read earlier ones, never
change them; it imports only `ioreport.synthetic.core`, never another step."""
