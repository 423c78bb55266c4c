"""Application services: domain logic over the database. Nothing here imports aiogram."""
