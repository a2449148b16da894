app_name = "cadres-api"
urlpatterns = []
