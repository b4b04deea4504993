"""What every planting step shares; nothing here imports a step."""
