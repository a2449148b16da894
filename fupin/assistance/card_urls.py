from django.urls import path

from . import card_views

app_name = "cards"
urlpatterns = [
    path("households/<int:pk>/card.pdf", card_views.household_card, name="household"),
    path("areas/<str:code>/cards.pdf", card_views.village_cards, name="village"),
]
