app_name = "safetynet"
urlpatterns = []
