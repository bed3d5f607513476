app_name = "candidates"

urlpatterns: list = []
