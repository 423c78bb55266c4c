"""Domain logic of the mentoring programme. Nothing here imports aiogram or SQLAlchemy."""
