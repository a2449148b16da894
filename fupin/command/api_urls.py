app_name = "command-api"
urlpatterns = []
