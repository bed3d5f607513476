from django.urls import path

app_name = "employers"

urlpatterns: list = []
