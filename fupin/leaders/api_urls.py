app_name = "leaders-api"
urlpatterns = []
