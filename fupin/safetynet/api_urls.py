app_name = "safetynet-api"
urlpatterns = []
