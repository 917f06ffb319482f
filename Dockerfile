# Production-like image for docker-compose: gunicorn + WhiteNoise static files.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput
EXPOSE 8000
# docker-compose runs `migrate` once, then the app servers (this command) and the workers (db_worker).
CMD ["sh", "-c", "python manage.py migrate --noinput && gunicorn ipwatch.wsgi --bind 0.0.0.0:8000 --workers 2 --access-logfile -"]
