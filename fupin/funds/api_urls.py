app_name = "funds-api"
urlpatterns = []
