app_name = "collective-api"
urlpatterns = []
