from django.urls import path

app_name = "candidates"

urlpatterns: list = []
