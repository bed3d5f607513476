from django.urls import include, path

app_name = "employers"

urlpatterns: list = [
    path("", include("employers.urls_contacts")),
    path("", include("employers.urls_import")),
]
